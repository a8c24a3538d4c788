package io.millrace.flink.source.enumerator.initializer;

import java.io.Serializable;
import java.util.Collection;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Chooses the offsets a source starts (or stops) reading partitions at, as {@code OffsetsInitializer}
 * of Flink's Kafka connector does: {@link #earliest()}, {@link #latest()},
 * {@link #committedOffsets(OffsetResetStrategy)}, {@link #timestamp(long)} and
 * {@link #offsets(Map)}.
 *
 * <p>The enumerator turns every choice into concrete offsets when it first sees a partition, so a
 * split and the checkpoints that hold it always name an exact offset. "Latest" is the end a
 * reader of the source's isolation level sees: the last stable offset for {@code read_committed}
 * (the default), the high watermark for {@code read_uncommitted}.
 *
 * <p>Implementations are serializable and stateless; the enumerator calls them from one thread at
 * a time.
 */
@PublicEvolving
public interface OffsetsInitializer extends Serializable {

    /**
     * The offsets of {@code partitions}; every partition must get one, except when the initializer
     * means "no stopping offset".
     */
    Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever partitionOffsetsRetriever);

    /** The consumer's {@code auto.offset.reset} when these are the starting offsets. */
    OffsetResetStrategy getAutoOffsetResetStrategy();

    /** The first offset each partition still holds. */
    static OffsetsInitializer earliest() {
        return new ListedOffsetsInitializer(ListedOffsetsInitializer.End.EARLIEST);
    }

    /** The end of each partition when the partition is first seen. */
    static OffsetsInitializer latest() {
        return new ListedOffsetsInitializer(ListedOffsetsInitializer.End.LATEST);
    }

    /** The consumer group's committed offsets; a partition without one fails the job. */
    static OffsetsInitializer committedOffsets() {
        return committedOffsets(OffsetResetStrategy.NONE);
    }

    /** The consumer group's committed offsets, and {@code reset} for a partition without one. */
    static OffsetsInitializer committedOffsets(OffsetResetStrategy reset) {
        return new CommittedOffsetsInitializer(reset);
    }

    /**
     * The first offset whose record has a timestamp at or after {@code timestampMs}; the end of a
     * partition with no such record.
     */
    static OffsetsInitializer timestamp(long timestampMs) {
        return new TimestampOffsetsInitializer(timestampMs);
    }

    /**
     * The given offsets; a partition not in the map starts at its committed offset, or else at
     * the earliest.
     */
    static OffsetsInitializer offsets(Map<TopicPartition, Long> offsets) {
        return offsets(offsets, OffsetResetStrategy.EARLIEST);
    }

    /**
     * The given offsets; a partition not in the map starts at its committed offset, or else as
     * {@code reset} says.
     */
    static OffsetsInitializer offsets(Map<TopicPartition, Long> offsets, OffsetResetStrategy reset) {
        return new SpecifiedOffsetsInitializer(offsets, reset);
    }

    /** Offsets and timestamps of partitions, as the enumerator asks the broker for them. */
    @PublicEvolving
    interface PartitionOffsetsRetriever {

        /**
         * The consumer group's committed offsets; partitions without one (or all, without a group)
         * are absent.
         */
        Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions);

        /** The end offsets a reader of the source's isolation level sees. */
        Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions);

        /** The first offsets the partitions still hold. */
        Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions);

        /**
         * For each partition, the first record with a timestamp at or after the given one;
         * partitions without such a record are absent.
         */
        Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch);
    }
}
