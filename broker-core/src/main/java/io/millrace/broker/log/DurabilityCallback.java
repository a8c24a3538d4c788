package io.millrace.broker.log;

import org.apache.kafka.common.protocol.Errors;

/**
 * Told when appended data is on disk (fsynced) or can never be.
 *
 * <p>Runs on the group-commit thread: implementations must only hand work off (e.g. to a
 * network event loop) and return promptly.
 */
@FunctionalInterface
public interface DurabilityCallback {

    /**
     * @param error {@link Errors#NONE} once the data is fsynced, {@link Errors#KAFKA_STORAGE_ERROR}
     *              if the flush failed and the partition went offline (or the broker shut down
     *              first), {@link Errors#UNKNOWN_TOPIC_OR_PARTITION} if the partition was deleted
     */
    void onComplete(Errors error);
}
