package io.millrace.flink.source.split;

import java.util.Objects;
import java.util.OptionalLong;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition of a Millrace topic to read: from {@link #startingOffset()} (the offset of the
 * next record to emit) up to, but excluding, an optional stopping offset. Both offsets are
 * concrete: the enumerator resolves earliest, latest, committed and timestamp positions before it
 * creates a split, so a restored split always resumes at exactly the offset it was checkpointed
 * with. Offsets in between may be missing (compaction, transaction markers, aborted records):
 * they are positions, not record counts.
 *
 * <p>Immutable and thread-safe. The mutable progress of a split being read is its
 * {@link MillraceSplitState}.
 */
public final class MillraceSplit implements SourceSplit {

    /** The stopping offset of a split that is read for as long as the job runs. */
    public static final long NO_STOPPING_OFFSET = Long.MIN_VALUE;

    private final TopicPartition partition;
    private final long startingOffset;
    private final long stoppingOffset;

    /**
     * @param startingOffset the offset of the first record to read, at least 0
     * @param stoppingOffset the offset to stop before, at least 0, or {@link #NO_STOPPING_OFFSET}
     */
    public MillraceSplit(TopicPartition partition, long startingOffset, long stoppingOffset) {
        Objects.requireNonNull(partition, "partition");
        if (startingOffset < 0) {
            throw new IllegalArgumentException(
                    "Starting offset of " + partition + " must be at least 0, was " + startingOffset);
        }
        if (stoppingOffset < 0 && stoppingOffset != NO_STOPPING_OFFSET) {
            throw new IllegalArgumentException(
                    "Stopping offset of " + partition + " must be at least 0, was " + stoppingOffset);
        }
        this.partition = partition;
        this.startingOffset = startingOffset;
        this.stoppingOffset = stoppingOffset;
    }

    /** A split without a stopping offset. */
    public MillraceSplit(TopicPartition partition, long startingOffset) {
        this(partition, startingOffset, NO_STOPPING_OFFSET);
    }

    /** The split id of a partition: {@code topic-partition}, as {@link TopicPartition#toString()}. */
    public static String splitId(TopicPartition partition) {
        return partition.toString();
    }

    @Override
    public String splitId() {
        return splitId(partition);
    }

    public TopicPartition partition() {
        return partition;
    }

    public long startingOffset() {
        return startingOffset;
    }

    /** The offset to stop before, if the split is bounded. */
    public OptionalLong stoppingOffset() {
        return stoppingOffset == NO_STOPPING_OFFSET ? OptionalLong.empty() : OptionalLong.of(stoppingOffset);
    }

    /** The same partition and stopping offset, starting at {@code offset}. */
    public MillraceSplit withStartingOffset(long offset) {
        return offset == startingOffset ? this : new MillraceSplit(partition, offset, stoppingOffset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MillraceSplit other
                && partition.equals(other.partition)
                && startingOffset == other.startingOffset
                && stoppingOffset == other.stoppingOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, startingOffset, stoppingOffset);
    }

    @Override
    public String toString() {
        return "[" + partition + ", from " + startingOffset
                + (stoppingOffset == NO_STOPPING_OFFSET ? "" : " to " + stoppingOffset) + "]";
    }
}
