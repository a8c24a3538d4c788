package io.millrace.broker.log;

import java.io.IOException;
import java.util.Map;
import java.util.NavigableMap;

/**
 * A compacted log as the {@link LogCleaner} sees it when choosing what to clean next (Kafka's
 * LogToClean and LogCleanerManager.cleanableOffsets).
 *
 * <p>The log splits into a clean section {@code [logStart, firstDirtyOffset)}, compacted at least
 * once, and a dirty section after it. The cleanable part of the dirty section ends at
 * {@code firstUncleanableOffset}, the base offset of the first segment the cleaner may not touch:
 * the active segment, a segment not entirely below the durable offset (the high watermark:
 * compaction never acts on data a crash could still lose) or below the last stable offset (data of
 * open transactions is not decided yet), or a segment whose newest record is younger than
 * min.compaction.lag.ms.
 *
 * @param cleanBytes        bytes of the segments entirely in the clean section
 * @param cleanableBytes    bytes of the segments overlapping the cleanable part of the dirty section
 * @param overdue           a dirty segment's first batch is older than max.compaction.lag.ms
 * @param tombstonesExpired a tombstone kept by an earlier pass has passed its delete horizon
 */
record LogToClean(
        PartitionLog log,
        long firstDirtyOffset,
        long firstUncleanableOffset,
        long cleanBytes,
        long cleanableBytes,
        boolean overdue,
        boolean tombstonesExpired) {

    /**
     * @param checkpoint              the first dirty offset recorded by the last pass, or null
     * @param earliestDeleteHorizonMs when the earliest tombstone kept by the last pass may go
     */
    static LogToClean of(PartitionLog log, Long checkpoint, long earliestDeleteHorizonMs, long nowMs)
            throws IOException {
        LogConfig config = log.config();
        NavigableMap<Long, LogSegment> segments = log.segmentMap();
        long logStart = log.logStartOffset();
        DurabilityTracker.DurablePoint durable = log.durability().point();
        long lastStable = log.lastStableOffset();
        long firstDirty =
                checkpoint == null || checkpoint < logStart || checkpoint > log.logEndOffset() ? logStart : checkpoint;
        long bound = segments.lastKey();
        long minLag = config.minCompactionLagMs();
        long earliestDirtyBatch = Long.MAX_VALUE;
        Long from = segments.floorKey(firstDirty);
        for (Map.Entry<Long, LogSegment> e :
                segments.tailMap(from == null ? firstDirty : from, true).entrySet()) {
            Long next = segments.higherKey(e.getKey());
            if (next == null) {
                break;
            }
            LogSegment segment = e.getValue();
            // Readers bound the durable point's segment by a byte position: it must keep its file.
            boolean notDurable = next > durable.offset() || segment.baseOffset() >= durable.segmentBase();
            // Open transactions are undecided: their data (and read_committed's bound) must stay as is.
            boolean unstable = next > lastStable;
            if (notDurable || unstable || (minLag > 0 && segment.maxTimestamp() > nowMs - minLag)) {
                bound = Math.min(bound, segment.baseOffset());
            }
            long firstBatch = segment.firstBatchMaxTimestamp();
            if (firstBatch > 0) {
                earliestDirtyBatch = Math.min(earliestDirtyBatch, firstBatch);
            }
        }
        long firstUncleanable = Math.max(firstDirty, bound);
        // The log may start inside an uncleanable segment (DeleteRecords): then nothing is cleanable.
        boolean anyCleanable = bound > firstDirty;
        long clean = 0;
        long cleanable = 0;
        for (Map.Entry<Long, LogSegment> e : segments.entrySet()) {
            Long next = segments.higherKey(e.getKey());
            long end = next == null ? Long.MAX_VALUE : next;
            if (end <= firstDirty) {
                clean += e.getValue().size();
            } else if (anyCleanable && e.getKey() < firstUncleanable) {
                cleanable += e.getValue().size();
            }
        }
        boolean overdue = earliestDirtyBatch < nowMs - config.maxCompactionLagMs();
        return new LogToClean(
                log, firstDirty, firstUncleanable, clean, cleanable, overdue, earliestDeleteHorizonMs <= nowMs);
    }

    long totalBytes() {
        return cleanBytes + cleanableBytes;
    }

    /** Dirty bytes that may be cleaned now over all bytes up to them. */
    double cleanableRatio() {
        long total = totalBytes();
        return total == 0 ? 0 : (double) cleanableBytes / total;
    }

    /**
     * Worth a pass: enough dirty bytes (above min.cleanable.dirty.ratio), dirty data older than
     * max.compaction.lag.ms, or tombstones due for removal.
     */
    boolean worthCleaning() {
        return (cleanableBytes > 0
                        && (overdue || cleanableRatio() > log.config().minCleanableDirtyRatio()))
                || (tombstonesExpired && totalBytes() > 0);
    }
}
