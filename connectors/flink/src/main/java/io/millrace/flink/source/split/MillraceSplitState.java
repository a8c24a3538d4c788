package io.millrace.flink.source.split;

/**
 * The progress of a split being read: the offset of the next record to read. It moves past every
 * record emitted, and also past offsets that hold no record for this reader (transaction markers,
 * aborted records, compacted-away records) once the consumer has moved beyond them, so a
 * checkpoint never points at a gap the reader already crossed.
 *
 * <p>Not thread-safe: owned by the source reader's task thread.
 */
public final class MillraceSplitState {

    private final MillraceSplit split;
    private long nextOffset;

    public MillraceSplitState(MillraceSplit split) {
        this.split = split;
        this.nextOffset = split.startingOffset();
    }

    /** The offset of the next record to read. */
    public long nextOffset() {
        return nextOffset;
    }

    /** Moves the position forward; a position never moves back. */
    public void advanceTo(long offset) {
        if (offset > nextOffset) {
            nextOffset = offset;
        }
    }

    /** The split as it would restart now: from {@link #nextOffset()}. */
    public MillraceSplit toSplit() {
        return split.withStartingOffset(nextOffset);
    }

    public MillraceSplit initialSplit() {
        return split;
    }
}
