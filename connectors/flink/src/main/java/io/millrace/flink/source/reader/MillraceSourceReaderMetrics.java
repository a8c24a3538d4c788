package io.millrace.flink.source.reader;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

/**
 * The source reader's metrics, in Flink's metric groups:
 *
 * <ul>
 *   <li>the standard ones of FLIP-33: {@code numBytesIn} (keys and values as stored) and
 *       {@code pendingRecords} (records between each split's position and the end its reader can
 *       see, summed over the reader's splits); {@code numRecordsIn} is counted by Flink;
 *   <li>under {@code MillraceSourceReader}: {@code commitsSucceeded} and {@code commitsFailed}
 *       (offset commits to the consumer group), and per split, under
 *       {@code topic.<topic>.partition.<partition>}: {@code currentOffset} (the next offset to
 *       read), {@code committedOffset} and {@code pendingRecords};
 *   <li>under {@code MillraceSourceReader.consumer}: the Kafka consumer's own client-level
 *       metrics, when {@code register.consumer.metrics} is on.
 * </ul>
 *
 * <p>Thread-safe: the task thread records offsets and bytes, the fetcher thread lag and commit
 * results, and metric reporters read the gauges from threads of their own.
 */
@Internal
public final class MillraceSourceReaderMetrics {

    static final String GROUP = "MillraceSourceReader";
    private static final long UNKNOWN = -1;

    private final MetricGroup group;
    private final Counter bytesIn;
    private final Counter commitsSucceeded;
    private final Counter commitsFailed;
    private final Map<TopicPartition, SplitMetrics> splits = new ConcurrentHashMap<>();
    private final AtomicReference<Map<MetricName, ? extends Metric>> consumerMetrics = new AtomicReference<>(Map.of());
    private final Set<String> registeredConsumerMetrics = ConcurrentHashMap.newKeySet();

    public MillraceSourceReaderMetrics(SourceReaderMetricGroup readerGroup) {
        this.group = readerGroup.addGroup(GROUP);
        this.bytesIn = readerGroup.getIOMetricGroup().getNumBytesInCounter();
        this.commitsSucceeded = group.counter("commitsSucceeded");
        this.commitsFailed = group.counter("commitsFailed");
        readerGroup.setPendingRecordsGauge(this::pendingRecords);
    }

    /** Registers the gauges of a split's partition the first time the reader gets it. */
    void addSplit(TopicPartition partition) {
        splits.computeIfAbsent(partition, p -> {
            SplitMetrics metrics = new SplitMetrics();
            MetricGroup splitGroup =
                    group.addGroup("topic", p.topic()).addGroup("partition", String.valueOf(p.partition()));
            splitGroup.gauge("currentOffset", () -> metrics.currentOffset);
            splitGroup.gauge("committedOffset", () -> metrics.committedOffset);
            splitGroup.gauge("pendingRecords", () -> metrics.pendingRecords);
            return metrics;
        });
    }

    void recordCurrentOffset(TopicPartition partition, long nextOffset) {
        SplitMetrics metrics = splits.get(partition);
        if (metrics != null) {
            metrics.currentOffset = nextOffset;
        }
    }

    void recordCommittedOffset(TopicPartition partition, long offset) {
        SplitMetrics metrics = splits.get(partition);
        if (metrics != null) {
            metrics.committedOffset = offset;
        }
    }

    /** The split's lag as the consumer last saw it, or unknown. */
    void recordPendingRecords(TopicPartition partition, long pending) {
        SplitMetrics metrics = splits.get(partition);
        if (metrics != null) {
            metrics.pendingRecords = pending;
        }
    }

    void recordBytesIn(long bytes) {
        bytesIn.inc(bytes);
    }

    void commitSucceeded() {
        commitsSucceeded.inc();
    }

    void commitFailed() {
        commitsFailed.inc();
    }

    /**
     * Shows the client-level metrics of {@code metrics} (a consumer's), registering a gauge for
     * each the first time it is seen; a later consumer of the reader takes over the gauges.
     */
    void useConsumerMetrics(Map<MetricName, ? extends Metric> metrics) {
        consumerMetrics.set(metrics);
        MetricGroup consumerGroup = group.addGroup("consumer");
        metrics.keySet().stream()
                .filter(name -> name.tags().keySet().equals(Set.of("client-id")))
                .forEach(name -> {
                    if (registeredConsumerMetrics.add(name.name())) {
                        consumerGroup.gauge(name.name(), () -> consumerMetricValue(name));
                    }
                });
    }

    private Object consumerMetricValue(MetricName name) {
        Metric metric = consumerMetrics.get().get(name);
        return metric == null ? null : metric.metricValue();
    }

    private long pendingRecords() {
        return splits.values().stream()
                .mapToLong(m -> m.pendingRecords)
                .filter(pending -> pending >= 0)
                .sum();
    }

    /** A split's figures; written by one thread, read by reporters. */
    private static final class SplitMetrics {
        volatile long currentOffset = UNKNOWN;
        volatile long committedOffset = UNKNOWN;
        volatile long pendingRecords = UNKNOWN;
    }
}
