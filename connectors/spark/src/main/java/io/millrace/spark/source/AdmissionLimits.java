package io.millrace.spark.source;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.connector.read.streaming.CompositeReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReadAllAvailable;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReadMaxRows;
import org.apache.spark.sql.connector.read.streaming.ReadMinRows;

/**
 * Where a micro-batch ends under Spark's read limit, as spark-sql-kafka-0-10 decides it: all
 * that is available wins; a minimum holds the batch back (ends it where it starts) until enough
 * offsets are new or the maximum delay has passed since the last batch; a maximum is shared among
 * the partitions in proportion to what each has, at least one offset for a partition with any.
 * Used by one stream thread.
 */
final class AdmissionLimits {

    private final Function<Set<TopicPartition>, Map<TopicPartition, Long>> earliestOffsets;
    private final LongSupplier clock;
    private long lastTriggerMillis;

    /**
     * @param earliestOffsets the earliest offsets of partitions new in a batch
     * @param clock the current time in milliseconds
     */
    AdmissionLimits(Function<Set<TopicPartition>, Map<TopicPartition, Long>> earliestOffsets, LongSupplier clock) {
        this.earliestOffsets = earliestOffsets;
        this.clock = clock;
    }

    Map<TopicPartition, Long> end(Map<TopicPartition, Long> from, Map<TopicPartition, Long> latest, ReadLimit limit) {
        List<ReadLimit> limits = limit instanceof CompositeReadLimit composite
                ? Arrays.asList(composite.getReadLimits())
                : List.of(limit);
        if (limits.stream().anyMatch(l -> l instanceof ReadAllAvailable)) {
            return latest;
        }
        for (ReadLimit l : limits) {
            if (l instanceof ReadMinRows min && delay(min, from, latest)) {
                return from;
            }
        }
        for (ReadLimit l : limits) {
            if (l instanceof ReadMaxRows max) {
                return rateLimit(max.maxRows(), from, latest);
            }
        }
        return latest;
    }

    private boolean delay(ReadMinRows min, Map<TopicPartition, Long> from, Map<TopicPartition, Long> latest) {
        long now = clock.getAsLong();
        if (now - lastTriggerMillis >= min.maxTriggerDelayMs()) {
            lastTriggerMillis = now;
            return false;
        }
        long newOffsets = latest.entrySet().stream()
                .mapToLong(e -> e.getValue() - from.getOrDefault(e.getKey(), 0L))
                .sum();
        if (newOffsets < min.minRows()) {
            return true;
        }
        lastTriggerMillis = now;
        return false;
    }

    private Map<TopicPartition, Long> rateLimit(
            long limit, Map<TopicPartition, Long> from, Map<TopicPartition, Long> until) {
        Set<TopicPartition> added = new HashSet<>(until.keySet());
        added.removeAll(from.keySet());
        Map<TopicPartition, Long> begins = new HashMap<>(earliestOffsets.apply(added));
        begins.putAll(from);
        Map<TopicPartition, Long> sizes = new HashMap<>();
        until.forEach((p, end) -> {
            Long begin = begins.get(p);
            if (begin != null && end - begin > 0) {
                sizes.put(p, end - begin);
            }
        });
        double total = sizes.values().stream().mapToLong(Long::longValue).sum();
        if (total < 1) {
            return until;
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        until.forEach((p, end) -> {
            Long size = sizes.get(p);
            if (size == null) {
                ends.put(p, end);
                return;
            }
            long begin = begins.get(p);
            double share = limit * (size / total);
            long offsets = (long) (share < 1 ? Math.ceil(share) : Math.floor(share));
            long capped = offsets > Long.MAX_VALUE - begin ? Long.MAX_VALUE : begin + offsets;
            ends.put(p, Math.min(end, capped));
        });
        return ends;
    }
}
