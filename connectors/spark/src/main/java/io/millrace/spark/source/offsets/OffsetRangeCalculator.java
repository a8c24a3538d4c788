package io.millrace.spark.source.offsets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns per-partition ranges into the ranges of Spark tasks. Empty ranges are dropped. With
 * {@code maxRecordsPerPartition} a range longer than it is cut into equal parts no longer than it;
 * with {@code minPartitions} above the number of ranges, the large ranges are cut, in proportion
 * to their share of all offsets, so that about {@code minPartitions} tasks result (as
 * spark-sql-kafka-0-10 does). Immutable.
 */
public final class OffsetRangeCalculator {

    private final Optional<Integer> minPartitions;
    private final Optional<Long> maxRecordsPerPartition;

    public OffsetRangeCalculator(Optional<Integer> minPartitions, Optional<Long> maxRecordsPerPartition) {
        this.minPartitions = minPartitions;
        this.maxRecordsPerPartition = maxRecordsPerPartition;
    }

    /** The task ranges for {@code ranges}. */
    public List<OffsetRange> split(List<OffsetRange> ranges) {
        List<OffsetRange> nonEmpty = new ArrayList<>();
        for (OffsetRange range : ranges) {
            if (range.size() > 0) {
                int parts = maxRecordsPerPartition
                        .map(max -> (int) Math.min(Integer.MAX_VALUE, (range.size() + max - 1) / max))
                        .orElse(1);
                nonEmpty.addAll(cut(range, parts));
            }
        }
        if (minPartitions.isEmpty() || nonEmpty.size() >= minPartitions.get()) {
            return nonEmpty;
        }
        long total = nonEmpty.stream().mapToLong(OffsetRange::size).sum();
        int wanted = minPartitions.get();
        List<OffsetRange> small = nonEmpty.stream()
                .filter(r -> partCount(r.size(), total, wanted) == 1)
                .toList();
        long largeTotal = total - small.stream().mapToLong(OffsetRange::size).sum();
        int largeParts = Math.max(wanted - small.size(), 1);
        List<OffsetRange> result = new ArrayList<>();
        for (OffsetRange range : nonEmpty) {
            int parts = small.contains(range) ? 1 : partCount(range.size(), largeTotal, largeParts);
            result.addAll(cut(range, parts));
        }
        return result;
    }

    private static int partCount(long size, long total, int parts) {
        return (int) Math.max(Math.round((double) size / total * parts), 1);
    }

    /** Cuts a range into {@code parts} consecutive ranges; the last takes the remainder. */
    private static List<OffsetRange> cut(OffsetRange range, int parts) {
        List<OffsetRange> cuts = new ArrayList<>(parts);
        long remaining = range.size();
        long from = range.from();
        for (int part = 0; part < parts; part++) {
            long length = remaining / (parts - part);
            remaining -= length;
            long until = Math.min(from + length, range.until());
            if (until > from) {
                cuts.add(new OffsetRange(range.partition(), from, until));
            }
            from = until;
        }
        return cuts;
    }
}
