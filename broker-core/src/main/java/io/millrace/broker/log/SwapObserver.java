package io.millrace.broker.log;

/**
 * Told when a cleaned segment's swap reaches each of its crash-safe steps; tests copy the
 * directory there to simulate a crash at that point. Production code passes {@link #NONE}.
 */
@FunctionalInterface
interface SwapObserver {

    /** The steps, in order; files named as in {@link LogSegment}. */
    enum Step {
        /** The {@code .cleaned} files are complete and fsynced. */
        CLEANED_WRITTEN,
        /** They were renamed to {@code .swap} (the directory fsynced): recovery now completes the swap. */
        SWAP_RENAMED,
        /** The replaced segments were renamed to {@code .deleted} (the directory fsynced). */
        OLD_SEGMENTS_DELETED,
        /** The {@code .swap} suffix is gone: the swap is complete. */
        DONE
    }

    SwapObserver NONE = step -> {};

    void reached(Step step);
}
