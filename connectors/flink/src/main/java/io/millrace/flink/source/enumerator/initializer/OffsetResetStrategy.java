package io.millrace.flink.source.enumerator.initializer;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.kafka.common.TopicPartition;

/**
 * Where to start reading a partition that has no usable offset (no committed offset, or an offset
 * the log no longer holds). The names and meanings are those of the consumer setting
 * {@code auto.offset.reset}, which the source sets from the starting offsets' strategy.
 */
@PublicEvolving
public enum OffsetResetStrategy {
    /** The first offset the partition still holds. */
    EARLIEST,
    /** The end of the partition: only records written from now on. */
    LATEST,
    /** No fallback: reading fails, naming the partitions without an offset. */
    NONE;

    /** The value of the consumer setting {@code auto.offset.reset}. */
    public String consumerValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The offsets this strategy resolves {@code partitions} to.
     *
     * @param why what the partitions lack, for the error of {@link #NONE}
     */
    Map<TopicPartition, Long> resolve(
            Collection<TopicPartition> partitions, OffsetsInitializer.PartitionOffsetsRetriever offsets, String why) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        return switch (this) {
            case EARLIEST -> offsets.beginningOffsets(partitions);
            case LATEST -> offsets.endOffsets(partitions);
            case NONE ->
                throw new IllegalStateException("No starting offset for partitions " + partitions + ": " + why
                        + ", and the offset reset strategy is NONE");
        };
    }
}
