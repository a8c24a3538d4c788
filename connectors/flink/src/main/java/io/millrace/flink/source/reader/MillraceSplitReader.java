package io.millrace.flink.source.reader;

import io.millrace.flink.source.split.MillraceSplit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the reader's splits with one {@link KafkaConsumer} that is assigned their partitions
 * (no group membership) and seeks to each split's exact starting offset.
 *
 * <p>The consumer's position, not the last record, is the truth about progress: after every poll
 * each split reports the position it reached, so offsets that hold no record for this reader
 * (transaction markers, aborted records, records removed by compaction) are crossed and
 * checkpointed like records, and a split with a stopping offset finishes as soon as the position
 * reaches it, even when the last offsets before it are markers. Records at or past the stopping
 * offset are never emitted.
 *
 * <p>Paused splits (watermark alignment) stay paused when they are assigned after the pause.
 *
 * <p>Not thread-safe: the split fetcher thread calls every method except {@link #wakeUp()}.
 */
@Internal
public final class MillraceSplitReader implements SplitReader<FetchedRecord, MillraceSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(MillraceSplitReader.class);
    /** Bounds a poll without data, so queued tasks such as offset commits run soon. */
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final MillraceSourceReaderMetrics metrics;
    private final Map<TopicPartition, Long> stoppingOffsets = new HashMap<>();
    /** The resume offset each assigned split last reported. */
    private final Map<TopicPartition, Long> reported = new HashMap<>();

    private final Set<TopicPartition> paused = new HashSet<>();
    /** Splits that were empty when assigned; reported finished by the next fetch. */
    private final Set<String> emptySplits = new HashSet<>();

    public MillraceSplitReader(
            Properties consumerProperties, MillraceSourceReaderMetrics metrics, boolean registerConsumerMetrics) {
        this(new KafkaConsumer<>(consumerProperties), metrics, registerConsumerMetrics);
    }

    MillraceSplitReader(
            KafkaConsumer<byte[], byte[]> consumer,
            MillraceSourceReaderMetrics metrics,
            boolean registerConsumerMetrics) {
        this.consumer = consumer;
        this.metrics = metrics;
        if (registerConsumerMetrics) {
            metrics.useConsumerMetrics(consumer.metrics());
        }
    }

    @Override
    public RecordsWithSplitIds<FetchedRecord> fetch() {
        FetchedRecords fetched = new FetchedRecords();
        emptySplits.forEach(fetched::finish);
        emptySplits.clear();
        if (consumer.assignment().isEmpty()) {
            return fetched;
        }
        ConsumerRecords<byte[], byte[]> polled;
        try {
            polled = consumer.poll(POLL_TIMEOUT);
        } catch (WakeupException e) {
            return fetched;
        }
        List<TopicPartition> finished = new ArrayList<>();
        for (TopicPartition partition : consumer.assignment()) {
            long stop = stoppingOffsets.getOrDefault(partition, Long.MAX_VALUE);
            long position = position(partition);
            List<ConsumerRecord<byte[], byte[]>> records = recordsBefore(polled.records(partition), stop);
            long reached = Math.min(position, stop);
            if (!records.isEmpty() || reached > reported.get(partition)) {
                fetched.add(partition, records, reached);
                reported.put(partition, reached);
            }
            if (position >= stop) {
                finished.add(partition);
            } else {
                consumer.currentLag(partition).ifPresent(lag -> metrics.recordPendingRecords(partition, lag));
            }
        }
        if (!finished.isEmpty()) {
            finished.forEach(partition -> {
                LOG.debug("{} reached its stopping offset {}", partition, stoppingOffsets.get(partition));
                fetched.finish(MillraceSplit.splitId(partition));
                metrics.recordPendingRecords(partition, 0);
            });
            unassign(finished);
        }
        return fetched;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<MillraceSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported split change " + change.getClass().getSimpleName());
        }
        List<MillraceSplit> added = new ArrayList<>();
        for (MillraceSplit split : change.splits()) {
            metrics.addSplit(split.partition());
            metrics.recordCurrentOffset(split.partition(), split.startingOffset());
            if (split.stoppingOffset().isPresent()
                    && split.startingOffset() >= split.stoppingOffset().getAsLong()) {
                emptySplits.add(split.splitId());
            } else {
                added.add(split);
            }
        }
        Set<TopicPartition> assignment = new HashSet<>(consumer.assignment());
        added.forEach(split -> assignment.add(split.partition()));
        consumer.assign(assignment);
        List<TopicPartition> toPause = new ArrayList<>();
        for (MillraceSplit split : added) {
            TopicPartition partition = split.partition();
            consumer.seek(partition, split.startingOffset());
            reported.put(partition, split.startingOffset());
            split.stoppingOffset().ifPresent(stop -> stoppingOffsets.put(partition, stop));
            if (paused.contains(partition)) {
                toPause.add(partition);
            }
        }
        consumer.pause(toPause);
        LOG.info("Reading splits {}; empty, so finished at once: {}", added, emptySplits);
    }

    @Override
    public void pauseOrResumeSplits(Collection<MillraceSplit> toPause, Collection<MillraceSplit> toResume) {
        Set<TopicPartition> assigned = consumer.assignment();
        List<TopicPartition> resume = new ArrayList<>();
        for (MillraceSplit split : toResume) {
            paused.remove(split.partition());
            if (assigned.contains(split.partition())) {
                resume.add(split.partition());
            }
        }
        List<TopicPartition> pause = new ArrayList<>();
        for (MillraceSplit split : toPause) {
            paused.add(split.partition());
            if (assigned.contains(split.partition())) {
                pause.add(split.partition());
            }
        }
        consumer.resume(resume);
        consumer.pause(pause);
    }

    /** Commits offsets to the consumer group; {@code callback} runs on this thread in a later call. */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        consumer.commitAsync(offsets, callback);
    }

    @Override
    public void wakeUp() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }

    private static List<ConsumerRecord<byte[], byte[]>> recordsBefore(
            List<ConsumerRecord<byte[], byte[]>> records, long stop) {
        if (records.isEmpty() || records.get(records.size() - 1).offset() < stop) {
            return records;
        }
        return records.stream().filter(r -> r.offset() < stop).toList();
    }

    /** The consumer's position; a wakeup meant for a poll must not fail the fetch. */
    private long position(TopicPartition partition) {
        try {
            return consumer.position(partition);
        } catch (WakeupException e) {
            return consumer.position(partition);
        }
    }

    private void unassign(Collection<TopicPartition> partitions) {
        Set<TopicPartition> assignment = new HashSet<>(consumer.assignment());
        assignment.removeAll(partitions);
        consumer.assign(assignment);
        partitions.forEach(partition -> {
            stoppingOffsets.remove(partition);
            reported.remove(partition);
            paused.remove(partition);
        });
    }
}
