package io.millrace.spark.source;

import io.millrace.spark.options.OffsetLimit;
import io.millrace.spark.options.OptionNames;
import io.millrace.spark.options.SourceOptions;
import io.millrace.spark.source.offsets.InitialOffsetLog;
import io.millrace.spark.source.offsets.OffsetReader;
import io.millrace.spark.source.offsets.PartitionOffsets;
import io.millrace.spark.source.reader.RangeReaderFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReportsSourceMetrics;
import org.apache.spark.sql.connector.read.streaming.SupportsTriggerAvailableNow;

/**
 * A streaming read in micro-batches. Each batch ends at the partitions' latest offsets, limited
 * by {@code maxOffsetsPerTrigger} (shared among partitions in proportion to what they have) or
 * held back while fewer than {@code minOffsetsPerTrigger} offsets are new and
 * {@code maxTriggerDelay} has not passed. Under {@code Trigger.AvailableNow} the latest offsets are
 * taken once, at the first batch, and the query stops there. Partitions that appear are read
 * from their earliest offset; vanished ones are a data loss. The offsets in the checkpoint are
 * {@link PartitionOffsets}. Used by the query's stream thread only.
 */
final class MillraceMicroBatchStream implements MicroBatchStream, SupportsTriggerAvailableNow, ReportsSourceMetrics {

    private final ReadSettings settings;
    private final OffsetReader reader;
    private final OffsetLimit startingOffsets;
    private final String checkpointLocation;
    private final Optional<Long> maxOffsetsPerTrigger;
    private final Optional<Long> minOffsetsPerTrigger;
    private final long maxTriggerDelayMs;
    private final AdmissionLimits admission;
    private final NewRanges newRanges;
    private Map<TopicPartition, Long> latest;
    private Map<TopicPartition, Long> availableNow;
    private boolean triggerAvailableNow;

    MillraceMicroBatchStream(
            ReadSettings settings, SourceOptions options, OffsetLimit startingOffsets, String checkpointLocation) {
        this.settings = settings;
        this.reader = settings.newOffsetReader();
        this.startingOffsets = startingOffsets;
        this.checkpointLocation = checkpointLocation;
        this.maxOffsetsPerTrigger = options.longOption(OptionNames.MAX_OFFSETS_PER_TRIGGER);
        this.minOffsetsPerTrigger = options.longOption(OptionNames.MIN_OFFSETS_PER_TRIGGER);
        this.maxTriggerDelayMs = JavaUtils.timeStringAsMs(
                options.get(OptionNames.MAX_TRIGGER_DELAY).orElse("15m"));
        this.admission = new AdmissionLimits(reader::earliest, System::currentTimeMillis);
        this.newRanges = new NewRanges(
                reader,
                settings.dataLoss(),
                options.contains(OptionNames.KAFKA_PREFIX + ConsumerConfig.GROUP_ID_CONFIG));
    }

    @Override
    public Offset initialOffset() {
        InitialOffsetLog log = new InitialOffsetLog(
                checkpointLocation, SparkSession.active().sparkContext().hadoopConfiguration());
        return log.read().orElseGet(() -> log.writeOnce(new PartitionOffsets(reader.resolve(startingOffsets, true))));
    }

    @Override
    public ReadLimit getDefaultReadLimit() {
        if (minOffsetsPerTrigger.isPresent() && maxOffsetsPerTrigger.isPresent()) {
            return ReadLimit.compositeLimit(new ReadLimit[] {
                ReadLimit.minRows(minOffsetsPerTrigger.get(), maxTriggerDelayMs),
                ReadLimit.maxRows(maxOffsetsPerTrigger.get())
            });
        }
        if (minOffsetsPerTrigger.isPresent()) {
            return ReadLimit.minRows(minOffsetsPerTrigger.get(), maxTriggerDelayMs);
        }
        return maxOffsetsPerTrigger.map(ReadLimit::maxRows).orElse(ReadLimit.allAvailable());
    }

    @Override
    public Offset latestOffset() {
        throw new UnsupportedOperationException(
                "latestOffset(Offset, ReadLimit) should be called instead of this method");
    }

    @Override
    public Offset latestOffset(Offset start, ReadLimit limit) {
        Map<TopicPartition, Long> from = ((PartitionOffsets) start).offsets();
        if (triggerAvailableNow) {
            if (availableNow == null) {
                availableNow = reader.latest(from);
            }
            latest = availableNow;
        } else {
            latest = reader.latest(from);
        }
        Map<TopicPartition, Long> end = admission.end(from, latest, limit);
        return end.isEmpty() ? null : new PartitionOffsets(end);
    }

    @Override
    public Offset reportLatestOffset() {
        return latest == null || latest.isEmpty() ? null : new PartitionOffsets(latest);
    }

    @Override
    public InputPartition[] planInputPartitions(Offset start, Offset end) {
        return settings.tasks(
                newRanges.between(((PartitionOffsets) start).offsets(), ((PartitionOffsets) end).offsets()));
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        return new RangeReaderFactory();
    }

    @Override
    public Offset deserializeOffset(String json) {
        return PartitionOffsets.fromJson(json);
    }

    @Override
    public void commit(Offset end) {}

    @Override
    public void stop() {
        reader.close();
    }

    @Override
    public void prepareForTriggerAvailableNow() {
        triggerAvailableNow = true;
    }

    @Override
    public Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
        if (latestConsumedOffset.isEmpty() || latest == null || latest.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, Long> consumed =
                PartitionOffsets.fromJson(latestConsumedOffset.get().json()).offsets();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : latest.entrySet()) {
            long behind = e.getValue() - consumed.getOrDefault(e.getKey(), e.getValue());
            min = Math.min(min, behind);
            max = Math.max(max, behind);
            sum += behind;
        }
        Map<String, String> metrics = new HashMap<>();
        metrics.put("minOffsetsBehindLatest", Long.toString(min));
        metrics.put("maxOffsetsBehindLatest", Long.toString(max));
        metrics.put("avgOffsetsBehindLatest", Double.toString((double) sum / latest.size()));
        return metrics;
    }

    @Override
    public String toString() {
        return "MillraceV2[" + reader + "]";
    }
}
