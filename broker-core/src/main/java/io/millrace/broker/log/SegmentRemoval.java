package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
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

    /** Picks the segments to remove; runs under the partition lock. */
    @FunctionalInterface
    private interface Selection {
        List<Deletion> select() throws IOException;
    }

    private final PartitionContext partition;
    private final SegmentList segments;
    private final LogAppender appender;
    private final Object logStartLock = new Object();

    SegmentRemoval(PartitionContext partition, LogAppender appender) {
        this.partition = partition;
        this.segments = partition.segments();
        this.appender = appender;
    }

    /** See {@link PartitionLog#deleteRecordsBefore}. */
    long deleteRecordsBefore(long offset) {
        PartitionLog log = partition.log();
        log.checkOnline();
        long highWatermark = partition.durability().durableOffset();
        long target = offset == -1 ? highWatermark : offset;
        if (target < 0 || target > highWatermark) {
            throw new OffsetOutOfRangeException("Cannot delete records of " + partition.name() + " before offset "
                    + offset + ": it must lie between 0 and the high watermark " + highWatermark
                    + " (or be -1 for the high watermark)");
        }
        synchronized (logStartLock) {
            if (target <= segments.logStartOffset()) {
                return segments.logStartOffset();
            }
            try {
                Checkpoints.writeLogStartOffset(partition.dir(), target);
            } catch (IOException e) {
                throw log.storageFailure("persisting the log start offset", e);
            }
            List<Deletion> removed;
            try {
                removed = removeUnderLock(() -> {
                    segments.advanceLogStart(target);
                    return SegmentRetention.selectBelowLogStart(
                            segments.all(),
                            partition.durability().durableOffset(),
                            segments.logEndOffset(),
                            segments.logStartOffset());
                });
            } catch (IOException e) {
                throw log.storageFailure("deleting segments below the log start offset", e);
            }
            logDeletions(removed);
            LOG.info("{}: log start offset moved to {} by DeleteRecords", partition.name(), segments.logStartOffset());
            return segments.logStartOffset();
        }
    }

    /** See {@link PartitionLog#applyRetention}. */
    int applyRetention() {
        if (!partition.log().isUsable()) {
            return 0;
        }
        List<Deletion> removed;
        try {
            for (LogSegment s : segments.all()) {
                s.maxTimestamp(); // loads lazily-read time indexes before taking the lock
            }
            removed = removeUnderLock(() -> SegmentRetention.select(
                    segments.all(),
                    partition.log().config(),
                    partition.ctx().clock().milliseconds(),
                    partition.durability().durableOffset(),
                    segments.logEndOffset(),
                    segments.logStartOffset()));
        } catch (IOException e) {
            partition.log().goOffline("applying retention", partition.dir(), e);
            return 0;
        }
        logDeletions(removed);
        return removed.size();
    }

    /**
     * Under the partition lock: removes the segments {@code selection} picks (rolling first if all
     * go) and schedules their files' deletion.
     */
    private List<Deletion> removeUnderLock(Selection selection) throws IOException {
        ReentrantLock lock = partition.lock();
        lock.lock();
        try {
            List<Deletion> removed = selection.select();
            if (removed.size() == segments.count()) {
                appender.roll(partition.log().config());
            }
            List<LogSegment> files = segments.remove(removed, partition.log().config());
            if (!files.isEmpty()) {
                deleteLater(files);
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** See {@link PartitionLog#replaceSegments}. */
    boolean replaceSegments(List<LogSegment> group, LogSegment cleaned, SwapObserver observer) throws IOException {
        ReentrantLock lock = partition.lock();
        Path dir = partition.dir();
        Path failedFile = dir;
        try {
            lock.lock();
            try {
                if (!partition.log().isUsable() || !segments.containsAll(group)) {
                    return false;
                }
                segments.replace(group, cleaned);
            } finally {
                lock.unlock();
            }
            AtomicFiles.fsyncDirectory(dir);
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
            AtomicFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            PartitionLog log = partition.log();
            if (!log.isDeleted()) {
                log.goOffline(
                        "swapping in the cleaned segment " + cleaned.logFile().getFileName(), failedFile, e);
            }
            throw e;
        }
        deleteLater(group);
        observer.reached(SwapObserver.Step.DONE);
        return true;
    }

    /** Deletes the files of removed segments after file.delete.delay.ms, when reads in flight are done. */
    private void deleteLater(List<LogSegment> removed) {
        partition
                .ctx()
                .deleter()
                .deleteSegmentsLater(
                        partition.name(), removed, partition.log().config().fileDeleteDelayMs());
    }

    private void logDeletions(List<Deletion> removed) {
        for (Deletion d : removed) {
            LOG.info(
                    "{}: deleted segment {} ({} bytes, offsets from {}): {}; log start offset is now {}",
                    partition.name(),
                    d.segment().logFile().getFileName(),
                    d.segment().size(),
                    d.segment().baseOffset(),
                    d.reason(),
                    segments.logStartOffset());
        }
    }
}
