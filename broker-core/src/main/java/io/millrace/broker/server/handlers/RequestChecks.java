package io.millrace.broker.server.handlers;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** Checks the admin handlers make on what a request names. Stateless. */
final class RequestChecks {

    private RequestChecks() {}

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
