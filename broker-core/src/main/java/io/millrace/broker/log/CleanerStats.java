package io.millrace.broker.log;

import java.util.List;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * What one cleaning pass did, for the operator's log line and for the {@link LogCleaner}'s
 * bookkeeping (where the next pass starts, when the earliest kept tombstone expires).
 *
 * <p>Mutable, filled in by one {@link Cleaner} thread; read after the pass.
 */
final class CleanerStats {

    private final long startNanos;
    private final long firstDirtyOffset;
    long endOffset;
    int segmentsRead;
    int segmentsWritten;
    long bytesRead;
    long bytesWritten;
    long recordsRead;
    long recordsWritten;
    long tombstonesRemoved;
    long keylessRemoved;
    int mapKeys;
    double mapUtilization;
    /** Earliest delete horizon among the tombstones written by this pass; Long.MAX_VALUE if none. */
    long earliestDeleteHorizonMs = Long.MAX_VALUE;

    private long elapsedNanos;

    CleanerStats(long startNanos, long firstDirtyOffset) {
        this.startNanos = startNanos;
        this.firstDirtyOffset = firstDirtyOffset;
        this.endOffset = firstDirtyOffset;
    }

    void add(MemoryRecords.FilterResult result) {
        recordsRead += result.messagesRead();
        recordsWritten += result.messagesRetained();
    }

    /** A group of segments was swapped for its cleaned version. */
    void addGroup(List<LogSegment> group, LogSegment cleaned, CompactionFilter filter) {
        for (LogSegment s : group) {
            bytesRead += s.size();
        }
        bytesWritten += cleaned.size();
        segmentsRead += group.size();
        segmentsWritten++;
        tombstonesRemoved += filter.tombstonesRemoved();
        keylessRemoved += filter.keylessRemoved();
    }

    void finish(long nowNanos) {
        elapsedNanos = nowNanos - startNanos;
    }

    /** The INFO line of a pass: partition, offsets, segments, bytes and records before and after, time. */
    String describe(String topicPartition) {
        double seconds = elapsedNanos / 1e9;
        return String.format(
                "%s: compacted offsets below %d (dirty section started at %d): %d segment(s)"
                        + " rewritten into %d, %d -> %d bytes, %d -> %d records (%d removed, of which %d tombstones past"
                        + " delete.retention.ms and %d without key), offset map %d keys (%.1f%% of its memory), %.3f s",
                topicPartition,
                endOffset,
                firstDirtyOffset,
                segmentsRead,
                segmentsWritten,
                bytesRead,
                bytesWritten,
                recordsRead,
                recordsWritten,
                recordsRead - recordsWritten,
                tombstonesRemoved,
                keylessRemoved,
                mapKeys,
                100 * mapUtilization,
                seconds);
    }
}
