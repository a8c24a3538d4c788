package io.millrace.flink.source.enumerator.initializer;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The first offset at or after a timestamp; the end of a partition holding no record that late.
 * Immutable.
 */
final class TimestampOffsetsInitializer implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    private final long timestampMs;

    TimestampOffsetsInitializer(long timestampMs) {
        if (timestampMs < 0) {
            throw new IllegalArgumentException("The starting timestamp must be at least 0, was " + timestampMs);
        }
        this.timestampMs = timestampMs;
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever offsets) {
        Map<TopicPartition, Long> search = new HashMap<>();
        partitions.forEach(p -> search.put(p, timestampMs));
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.offsetsForTimes(search).forEach((p, found) -> result.put(p, found.offset()));
        List<TopicPartition> tooEarly =
                partitions.stream().filter(p -> !result.containsKey(p)).toList();
        result.putAll(OffsetResetStrategy.LATEST.resolve(tooEarly, offsets, ""));
        return result;
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return OffsetResetStrategy.LATEST;
    }

    @Override
    public String toString() {
        return "timestamp " + timestampMs;
    }
}
