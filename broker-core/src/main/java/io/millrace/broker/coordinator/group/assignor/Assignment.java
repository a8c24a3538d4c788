package io.millrace.broker.coordinator.group.assignor;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.apache.kafka.common.Uuid;

/**
 * A set of partitions, grouped by topic id: what a consumer-protocol member owns, should own or
 * must give up. Immutable; topics with no partitions are never stored, so equal sets are equal
 * objects.
 */
public final class Assignment {

    public static final Assignment EMPTY = new Assignment(Map.of());

    private final Map<Uuid, Set<Integer>> partitions;

    private Assignment(Map<Uuid, Set<Integer>> partitions) {
        this.partitions = partitions;
    }

    /** Copies {@code partitions}, dropping topics without partitions. */
    public static Assignment of(Map<Uuid, ? extends Collection<Integer>> partitions) {
        Map<Uuid, Set<Integer>> copy = new TreeMap<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                copy.put(topic, Collections.unmodifiableSet(new TreeSet<>(ps)));
            }
        });
        return copy.isEmpty() ? EMPTY : new Assignment(Collections.unmodifiableMap(copy));
    }

    /** Partitions by topic id, sorted. */
    public Map<Uuid, Set<Integer>> partitions() {
        return partitions;
    }

    public boolean isEmpty() {
        return partitions.isEmpty();
    }

    /** Number of partitions. */
    public int size() {
        int n = 0;
        for (Set<Integer> ps : partitions.values()) {
            n += ps.size();
        }
        return n;
    }

    public boolean contains(Uuid topicId, int partition) {
        Set<Integer> ps = partitions.get(topicId);
        return ps != null && ps.contains(partition);
    }

    /** The partitions of this set that are not in {@code other}. */
    public Assignment minus(Assignment other) {
        return filter((t, p) -> !other.contains(t, p));
    }

    /** The partitions in both sets. */
    public Assignment intersect(Assignment other) {
        return filter(other::contains);
    }

    /** The partitions in either set. */
    public Assignment union(Assignment other) {
        if (other.isEmpty()) {
            return this;
        }
        Map<Uuid, Set<Integer>> merged = new TreeMap<>();
        partitions.forEach(
                (t, ps) -> merged.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
        other.partitions.forEach(
                (t, ps) -> merged.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
        return of(merged);
    }

    /** The partitions for which {@code keep} holds. */
    public Assignment filter(BiPredicate<Uuid, Integer> keep) {
        Map<Uuid, Set<Integer>> kept = new TreeMap<>();
        partitions.forEach((t, ps) -> {
            for (int p : ps) {
                if (keep.test(t, p)) {
                    kept.computeIfAbsent(t, k -> new TreeSet<>()).add(p);
                }
            }
        });
        return of(kept);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment a && a.partitions.equals(partitions);
    }

    @Override
    public int hashCode() {
        return partitions.hashCode();
    }

    @Override
    public String toString() {
        return partitions.toString();
    }
}
