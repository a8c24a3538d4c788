package io.millrace.broker.log;

import io.millrace.broker.log.SegmentRetention.Deletion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes segments out of one partition's log: retention and DeleteRecords delete the oldest ones
 * and move the log start offset; the cleaner's swap replaces segments by the one they were
 * compacted into. Removed files are renamed {@code .deleted} at once and deleted after
 * file.delete.delay.ms ({@link FileDeleter}), so reads in flight finish.
 *
 * <p>Files: renames and deletes segment files; DeleteRecords persists the log start offset
 * ({@link Checkpoints#writeLogStartOffset}); a swap renames the cleaned segment's {@code .swap}
 * files (a crash in between is repaired by {@link SwapRecovery}).
 *
 * <p>Thread-safety: any thread. Changes to the segment set are made under the partition lock,
 * which serializes them with appends and rolls; the lock is held for in-memory work and renames,
 * never for an fsync. DeleteRecords calls are serialized by this object's log-start lock, taken
 * before the partition lock, so the persisted log start offset only grows.
 */
final class SegmentRemoval {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentRemoval.class);

    private final PartitionLog log;
    private final String name;
    private final LogContext ctx;
    private final ReentrantLock lock;
    private final Object logStartLock = new Object();
    private final SegmentList segments;
    private final LogAppender appender;
    private final DurabilityTracker durability;
    private final PartitionStatus status;

    SegmentRemoval(
            PartitionLog log,
            String name,
            LogContext ctx,
            ReentrantLock lock,
            SegmentList segments,
            LogAppender appender,
            DurabilityTracker durability,
            PartitionStatus status) {
        this.log = log;
        this.name = name;
        this.ctx = ctx;
        this.lock = lock;
        this.segments = segments;
        this.appender = appender;
        this.durability = durability;
        this.status = status;
    }

    /** See {@link PartitionLog#deleteRecordsBefore}. */
    long deleteRecordsBefore(long offset) {
        status.checkOnline();
        long highWatermark = durability.durableOffset();
        long target = offset == -1 ? highWatermark : offset;
        if (target < 0 || target > highWatermark) {
            throw new OffsetOutOfRangeException("Cannot delete records of " + name + " before offset " + offset
                    + ": it must lie between 0 and the high watermark " + highWatermark + " (or be -1 for the high"
                    + " watermark)");
        }
        synchronized (logStartLock) {
            if (target <= segments.logStartOffset()) {
                return segments.logStartOffset();
            }
            try {
                Checkpoints.writeLogStartOffset(log.dir(), target);
            } catch (IOException e) {
                throw status.storageFailure("persisting the log start offset", e);
            }
            List<Deletion> removed = List.of();
            IOException failure = null;
            lock.lock();
            try {
                segments.advanceLogStart(target);
                removed = SegmentRetention.selectBelowLogStart(
                        segments.all(), durability.durableOffset(), segments.logEndOffset(), segments.logStartOffset());
                removeSegments(removed);
            } catch (IOException e) {
                failure = e;
            } finally {
                lock.unlock();
            }
            if (failure != null) {
                throw status.storageFailure("deleting segments below the log start offset", failure);
            }
            logDeletions(removed);
            LOG.info("{}: log start offset moved to {} by DeleteRecords", name, segments.logStartOffset());
            return segments.logStartOffset();
        }
    }

    /** See {@link PartitionLog#applyRetention}. */
    int applyRetention() {
        if (!status.isUsable()) {
            return 0;
        }
        List<Deletion> removed = List.of();
        IOException failure = null;
        try {
            for (LogSegment s : segments.all()) {
                s.maxTimestamp(); // loads lazily-read time indexes before taking the lock
            }
        } catch (IOException e) {
            failure = e;
        }
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            removed = SegmentRetention.select(
                    segments.all(),
                    log.config(),
                    ctx.clock().milliseconds(),
                    durability.durableOffset(),
                    segments.logEndOffset(),
                    segments.logStartOffset());
            removeSegments(removed);
        } catch (IOException e) {
            failure = e;
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            status.goOffline("applying retention", log.dir(), failure);
            return 0;
        }
        logDeletions(removed);
        return removed.size();
    }

    /** See {@link PartitionLog#replaceSegments}. */
    boolean replaceSegments(List<LogSegment> group, LogSegment cleaned, SwapObserver observer) throws IOException {
        Path dir = log.dir();
        Path failedFile = dir;
        try {
            lock.lock();
            try {
                if (!status.isUsable() || !segments.containsAll(group)) {
                    return false;
                }
                segments.replace(group, cleaned);
            } finally {
                lock.unlock();
            }
            Checkpoints.fsyncDirectory(dir);
            observer.reached(SwapObserver.Step.OLD_SEGMENTS_DELETED);
            lock.lock();
            try {
                if (!cleaned.isDeleted()) {
                    failedFile = cleaned.logFile();
                    cleaned.changeSuffix(LogSegment.SWAP_SUFFIX, "");
                }
            } finally {
                lock.unlock();
            }
            Checkpoints.fsyncDirectory(dir);
        } catch (IOException e) {
            if (!status.isDeleted()) {
                status.goOffline(
                        "swapping in the cleaned segment " + cleaned.logFile().getFileName(), failedFile, e);
            }
            throw e;
        }
        ctx.deleter().deleteSegmentsLater(name, group, log.config().fileDeleteDelayMs());
        observer.reached(SwapObserver.Step.DONE);
        return true;
    }

    /** Removes segments (rolling first if all go) and schedules their files' deletion; under the lock. */
    private void removeSegments(List<Deletion> removed) throws IOException {
        if (removed.size() == segments.count()) {
            appender.roll(log.config());
        }
        List<LogSegment> files = segments.remove(removed, log.config());
        if (!files.isEmpty()) {
            ctx.deleter().deleteSegmentsLater(name, files, log.config().fileDeleteDelayMs());
        }
    }

    private void logDeletions(List<Deletion> removed) {
        for (Deletion d : removed) {
            LOG.info(
                    "{}: deleted segment {} ({} bytes, offsets from {}): {}; log start offset is now {}",
                    name,
                    d.segment().logFile().getFileName(),
                    d.segment().size(),
                    d.segment().baseOffset(),
                    d.reason(),
                    segments.logStartOffset());
        }
    }
}
