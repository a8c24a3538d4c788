package io.millrace.broker.log;

import io.millrace.broker.log.DurabilityTracker.Waiter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one partition's log is still usable: online or offline after an I/O error, closed at
 * shutdown, deleted; what each state answers to a caller; and the acks=all callbacks that a
 * partition which can no longer flush must fail ({@link DurabilityTracker}).
 *
 * <p>Thread-safety: the flags are volatile and read without a lock. {@code closed} and
 * {@code deleted} are set by {@link PartitionLog} under the partition lock, so an append, which
 * checks them again under that lock, never writes after them. {@code offline} is set under this
 * object's monitor so that the ERROR is logged once. Callbacks run on the calling thread, which
 * must hold no lock.
 */
final class PartitionStatus {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionStatus.class);

    private final String name;
    private final Path dir;
    private final DurabilityTracker durability;
    private volatile boolean offline;
    private volatile boolean deleted;
    private volatile boolean closed;

    PartitionStatus(String name, Path dir, DurabilityTracker durability) {
        this.name = name;
        this.dir = dir;
        this.durability = durability;
    }

    boolean isOffline() {
        return offline;
    }

    boolean isDeleted() {
        return deleted;
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether a flush may still run: neither offline nor deleted. */
    boolean canFlush() {
        return !offline && !deleted;
    }

    /** Whether appends and background work (retention, cleaning) may still touch the log. */
    boolean isUsable() {
        return !offline && !deleted && !closed;
    }

    /** The broker is shutting down; the caller holds the partition lock. */
    void markClosed() {
        closed = true;
    }

    /** The partition was deleted (closed too); the caller holds the partition lock. */
    void markDeleted() {
        deleted = true;
        closed = true;
    }

    /** Why an append is refused now, or null when the log takes appends. */
    AppendResult unavailable(long logStartOffset) {
        if (offline) {
            return AppendResult.failed(
                    Errors.KAFKA_STORAGE_ERROR,
                    name + " is offline after a storage error on " + dir + "; see the broker log",
                    logStartOffset);
        }
        if (deleted) {
            return AppendResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION, name + " has been deleted", logStartOffset);
        }
        if (closed) {
            return AppendResult.failed(
                    Errors.KAFKA_STORAGE_ERROR, name + " is closed: the broker is shutting down", logStartOffset);
        }
        return null;
    }

    /** @throws KafkaStorageException if the partition is offline */
    void checkOnline() {
        if (offline) {
            throw new KafkaStorageException(name + " is offline after a storage error on " + dir);
        }
    }

    /** Takes the partition offline for {@code e} and returns the exception to throw to the caller. */
    KafkaStorageException storageFailure(String action, IOException e) {
        goOffline(action, dir, e);
        return new KafkaStorageException("Storage error on " + name + " while " + action + ": " + e, e);
    }

    /**
     * Takes the partition offline after an I/O error while {@code action} on {@code file} (logged
     * once, as ERROR) and fails every durability waiter with KAFKA_STORAGE_ERROR.
     */
    void goOffline(String action, Path file, Throwable cause) {
        boolean first;
        synchronized (this) {
            first = !offline;
            offline = true;
        }
        if (first) {
            LOG.error(
                    "{} is now OFFLINE: an I/O error occurred while {} {} ({}). Appends and reads of this"
                            + " partition fail with KAFKA_STORAGE_ERROR until the broker restarts. Check the disk holding {}"
                            + " (kernel log, free space, permissions), then restart the broker; recovery will truncate any"
                            + " damaged tail.",
                    name,
                    action,
                    file,
                    cause.toString(),
                    dir,
                    cause);
        }
        failWaiters(Errors.KAFKA_STORAGE_ERROR);
    }

    /** The partition can no longer flush: completes every durability waiter, and later ones, with {@code error}. */
    void failWaiters(Errors error) {
        complete(durability.fail(error), error);
    }

    void complete(List<Waiter> waiters, Errors error) {
        for (Waiter w : waiters) {
            complete(w.callback(), error);
        }
    }

    void complete(DurabilityCallback callback, Errors error) {
        try {
            callback.onComplete(error);
        } catch (RuntimeException e) {
            LOG.error("Durability callback for {} threw", name, e);
        }
    }
}
