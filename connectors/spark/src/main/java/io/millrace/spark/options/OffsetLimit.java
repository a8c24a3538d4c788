package io.millrace.spark.options;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a read starts or ends, as {@code startingOffsets}/{@code endingOffsets} and their timestamp
 * variants say. In specific offsets {@link #EARLIEST} and {@link #LATEST} stand for the partition's
 * first and last available offset. Immutable.
 */
public sealed interface OffsetLimit {

    /** In a specific offset map: the partition's earliest available offset. */
    long EARLIEST = -2L;
    /** In a specific offset map: the partition's end (latest) offset. */
    long LATEST = -1L;

    /** Every partition from its earliest available offset. */
    record Earliest() implements OffsetLimit {}

    /** Every partition from (or up to) its latest offset. */
    record Latest() implements OffsetLimit {}

    /** An offset (or {@link #EARLIEST}/{@link #LATEST}) per partition. */
    record SpecificOffsets(Map<TopicPartition, Long> offsets) implements OffsetLimit {
        public SpecificOffsets {
            offsets = Map.copyOf(offsets);
        }
    }

    /** A timestamp per partition: the first offset whose record's timestamp is at least it. */
    record SpecificTimestamps(Map<TopicPartition, Long> timestamps, NoMatchStrategy strategy) implements OffsetLimit {
        public SpecificTimestamps {
            timestamps = Map.copyOf(timestamps);
        }
    }

    /** One timestamp for every partition. */
    record GlobalTimestamp(long timestamp, NoMatchStrategy strategy) implements OffsetLimit {}
}
