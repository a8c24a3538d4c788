package io.millrace.broker.replication;

/**
 * A one-shot wake-up registered by a waiting fetch. A watcher that completed for another
 * reason reports {@link #isDone()} so partitions can drop it without firing it.
 */
public interface HighWatermarkWatcher {

    /** Called on the storage thread when the partition's high watermark advances. */
    void onHighWatermarkAdvanced();

    boolean isDone();
}
