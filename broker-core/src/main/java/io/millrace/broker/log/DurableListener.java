package io.millrace.broker.log;

/**
 * Told every time a partition's durable offset (its high watermark) advances, so waiting
 * fetches can complete at once instead of polling. Runs on the group-commit thread: must
 * return promptly.
 */
@FunctionalInterface
public interface DurableListener {

    void onDurableOffsetAdvanced(PartitionLog log, long newDurableOffset);
}
