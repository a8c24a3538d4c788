package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.Partition;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;

/** Checks the admin handlers make on what a request names. Stateless. */
final class RequestChecks {

    private RequestChecks() {}

    /**
     * Why a partition a request names cannot be served: UNKNOWN_TOPIC_OR_PARTITION when it does
     * not exist (null) or was deleted, KAFKA_STORAGE_ERROR when its log is offline; else NONE.
     */
    static Errors unavailable(Partition p) {
        if (p == null || p.isDeleted()) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        return p.isOffline() ? Errors.KAFKA_STORAGE_ERROR : Errors.NONE;
    }

    /** The items named more than once (topics or resources a request may name only once). */
    static <T> Set<T> duplicates(Collection<T> items) {
        Set<T> seen = new HashSet<>();
        Set<T> duplicates = new HashSet<>();
        for (T item : items) {
            if (!seen.add(item)) {
                duplicates.add(item);
            }
        }
        return duplicates;
    }
}
