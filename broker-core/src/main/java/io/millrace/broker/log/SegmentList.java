package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import io.millrace.broker.log.DurabilityTracker.DurablePoint;
import io.millrace.broker.log.SegmentRetention.Deletion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments of one partition, the active (last) one, and the offsets they span: the local
 * log that {@link PartitionLog} builds on (Kafka's {@code LocalLog}).
 *
 * <p>Thread-safety: mutations (roll, removal, replacement by cleaned segments, log end/start
 * changes) are made by the holder of the partition lock. The segment map is copy-on-write: every
 * mutation publishes a new immutable map through a volatile field, so a reader works on one
 * consistent set of segments (before or after a change, never a mix), without the lock. The
 * offsets and active segment are volatile too. Segments change rarely (roll, retention, cleaning),
 * so copying the map is cheap. After each append the holder publishes the <em>appended point</em>
 * (log end, active segment, bytes written to it) in one volatile write, so flush planning
 * ({@link #planFlush}) needs no lock: the group-commit thread never waits for an append's write.
 */
final class SegmentList {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentList.class);

    private final Path dir;
    private final String name;
    private final SegmentChannels channels;
    private volatile NavigableMap<Long, LogSegment> segments;
    private volatile LogSegment active;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    /** Log end, active segment and its written size after the last append, published together. */
    private volatile DurablePoint appended;

    private final AtomicBoolean dirNeedsSync = new AtomicBoolean();

    SegmentList(Path dir, String name, SegmentChannels channels, LogRecovery.Result recovered) {
        this.dir = dir;
        this.name = name;
        this.channels = channels;
        this.segments = Collections.unmodifiableNavigableMap(new TreeMap<>(recovered.segments()));
        this.active = segments.lastEntry().getValue();
        this.logEndOffset = recovered.logEndOffset();
        this.logStartOffset = recovered.logStartOffset();
        this.appended = fullyDurable();
    }

    /** The current segments: an immutable snapshot. */
    NavigableMap<Long, LogSegment> map() {
        return segments;
    }

    private TreeMap<Long, LogSegment> copy() {
        return new TreeMap<>(segments);
    }

    private void publish(TreeMap<Long, LogSegment> next) {
        segments = Collections.unmodifiableNavigableMap(next);
    }

    List<LogSegment> all() {
        return new ArrayList<>(segments.values());
    }

    LogSegment active() {
        return active;
    }

    long logEndOffset() {
        return logEndOffset;
    }

    /**
     * Moves the log end after an append whose bytes are written to the active segment, and
     * publishes the appended point that the next flush covers.
     */
    void setLogEndOffset(long offset) {
        logEndOffset = offset;
        appended = new DurablePoint(offset, active.baseOffset(), active.size());
    }

    long logStartOffset() {
        return logStartOffset;
    }

    void advanceLogStart(long offset) {
        if (offset > logStartOffset) {
            logStartOffset = offset;
        }
    }

    int count() {
        return segments.size();
    }

    long sizeInBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /** The durable point right after recovery, when everything present is durable. */
    DurablePoint fullyDurable() {
        return new DurablePoint(logEndOffset, active.baseOffset(), active.size());
    }

    /** Starts a new active segment at the log end (the old one's indexes are trimmed). */
    LogSegment roll(LogConfig config) throws IOException {
        LogSegment old = active;
        long base = logEndOffset;
        old.onBecomeInactive();
        LogSegment next = LogSegment.create(dir, base, config, channels);
        TreeMap<Long, LogSegment> updated = copy();
        updated.put(base, next);
        publish(updated);
        active = next;
        dirNeedsSync.set(true);
        appended = new DurablePoint(base, next.baseOffset(), 0);
        LOG.info(
                "{}: rolled to new segment {} (previous segment {} holds {} bytes)",
                name,
                next.logFile().getFileName(),
                old.logFile().getFileName(),
                old.size());
        return next;
    }

    /**
     * Removes segments (rolling first when all of them go, so an active segment remains),
     * moves the log start offset past them and renames their files to {@code .deleted}. Returns
     * the removed segments, whose files the caller deletes later.
     */
    List<LogSegment> remove(List<Deletion> deletions, LogConfig config) throws IOException {
        if (deletions.isEmpty()) {
            return List.of();
        }
        if (deletions.size() == segments.size()) {
            roll(config);
        }
        List<LogSegment> removed = new ArrayList<>(deletions.size());
        TreeMap<Long, LogSegment> updated = copy();
        for (Deletion d : deletions) {
            updated.remove(d.segment().baseOffset());
            Long next = updated.higherKey(d.segment().baseOffset());
            advanceLogStart(next == null ? logEndOffset : next);
            removed.add(d.segment());
        }
        publish(updated);
        for (LogSegment s : removed) {
            s.renameToDeleted();
        }
        return removed;
    }

    /**
     * Whether every one of {@code group} is still part of the log (retention may have removed
     * some since the cleaner read them).
     */
    boolean containsAll(List<LogSegment> group) {
        NavigableMap<Long, LogSegment> current = segments;
        for (LogSegment s : group) {
            if (current.get(s.baseOffset()) != s) {
                return false;
            }
        }
        return true;
    }

    /**
     * Replaces {@code group} (consecutive segments, still present) by {@code cleaned}, which takes
     * the first one's base offset, in one published step, then renames the old segments' files to
     * {@code .deleted}. Readers see the old or the new set, never a mix. Returns the old segments,
     * whose files the caller deletes later.
     */
    List<LogSegment> replace(List<LogSegment> group, LogSegment cleaned) throws IOException {
        TreeMap<Long, LogSegment> updated = copy();
        for (LogSegment s : group) {
            updated.remove(s.baseOffset());
        }
        updated.put(cleaned.baseOffset(), cleaned);
        publish(updated);
        for (LogSegment s : group) {
            s.renameToDeleted();
        }
        return group;
    }

    /** Bytes of one segment to send, and the segment they come from. */
    record Slice(LogSegment segment, FileSlice records) {}

    /**
     * The slice of one segment holding {@code fetchOffset}, within the data below {@code durable}
     * (the durable point, or a bound below it such as the last stable offset); null when no such
     * batch at or after the offset is found (e.g. the segment was just removed by retention).
     */
    Slice slice(long fetchOffset, int maxBytes, boolean minOneBatch, DurablePoint durable) throws IOException {
        BatchHeader header = BatchHeader.forThread();
        NavigableMap<Long, LogSegment> snapshot = segments;
        Map.Entry<Long, LogSegment> entry = snapshot.floorEntry(fetchOffset);
        while (entry != null) {
            LogSegment segment = entry.getValue();
            if (TimestampLookup.beyondDurable(segment, durable)) {
                return null;
            }
            long limit = TimestampLookup.durableLimit(segment, durable);
            long position;
            try {
                // An empty segment (compaction removed all its records) has nothing: look further.
                position = limit <= 0 ? -1 : segment.locate(header, fetchOffset, limit);
            } catch (IOException e) {
                if (segment.isDeleted()) {
                    return null;
                }
                throw new SegmentReadException(segment, e);
            }
            if (position >= 0) {
                long available = limit - position;
                long size = Math.min(available, Math.max(0, maxBytes));
                if (minOneBatch && header.sizeInBytes() > size) {
                    size = Math.min(header.sizeInBytes(), available);
                }
                return new Slice(segment, new FileSlice(segment.channel(), position, (int) size));
            }
            // Nothing at or after the offset here (the tail was compacted away): the next segment.
            entry = snapshot.higherEntry(entry.getKey());
        }
        return null;
    }

    /**
     * The read bound at {@code offset}, below the durable point: the position of the batch starting
     * there (the first batch of a transaction, for the last stable offset).
     */
    DurablePoint boundAt(long offset, DurablePoint durable) throws IOException {
        if (offset >= durable.offset()) {
            return durable;
        }
        NavigableMap<Long, LogSegment> snapshot = segments;
        Map.Entry<Long, LogSegment> entry = snapshot.floorEntry(offset);
        if (entry == null) {
            return new DurablePoint(offset, snapshot.firstKey(), 0);
        }
        LogSegment segment = entry.getValue();
        long limit = TimestampLookup.durableLimit(segment, durable);
        long position = limit <= 0 ? -1 : segment.locate(BatchHeader.forThread(), offset, limit);
        return new DurablePoint(offset, segment.baseOffset(), (int) (position < 0 ? Math.max(0, limit) : position));
    }

    /**
     * The aborted transactions overlapping {@code [from, upperBound)}, from the indexes of the
     * segment holding {@code from} onwards (a transaction's entry sits with its marker, which may
     * lie in a later segment than its data).
     */
    List<AbortedTxn> abortedTransactions(long from, long upperBound) throws IOException {
        List<AbortedTxn> out = new ArrayList<>();
        NavigableMap<Long, LogSegment> snapshot = segments;
        Long start = snapshot.floorKey(from);
        for (LogSegment s : (start == null ? snapshot : snapshot.tailMap(start, true)).values()) {
            if (s.txnIndex().collect(from, upperBound, out)) {
                break;
            }
        }
        return out;
    }

    /**
     * An offset at or above every offset in the slice (and below the next batch's end): the first
     * indexed batch after it, else the next segment's base, else the log end.
     */
    long upperBoundOf(Slice slice) throws IOException {
        LogSegment segment = slice.segment();
        long upper = segment.offsetIndex().offsetAtOrAfterPosition((int)
                (slice.records().position() + slice.records().sizeInBytes()));
        if (upper >= 0) {
            return upper;
        }
        Long next = segments.higherKey(segment.baseOffset());
        return next != null ? next : logEndOffset;
    }

    /** The next flush also fsyncs the directory (a file was created in it). */
    void markDirectoryChanged() {
        dirNeedsSync.set(true);
    }

    /** A slice of nothing (still tied to a live channel, for code that inspects it). */
    FileSlice emptySlice() {
        return new FileSlice(active.channel(), 0, 0);
    }

    /**
     * Captures what the next flush must make durable: the log end and the bytes written so far in
     * every segment from {@code fromSegmentBase} on, pending index syncs and directory sync.
     * Needs no lock: the appended point is read first, and everything it covers (bytes, index
     * trims of a roll, a new file's directory entry) was done before it was published; what is
     * appended meanwhile marks the log dirty again and is covered by the next flush.
     */
    FlushPlan planFlush(long fromSegmentBase) {
        DurablePoint target = appended;
        List<LogSegment> toSync = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        for (LogSegment s : segments.tailMap(fromSegmentBase, true).values()) {
            boolean txnIndex = s.txnIndex().needsSync();
            if (s.size() > s.flushedSize() || s.indexesNeedSync() || txnIndex) {
                toSync.add(s);
                sizes.add(new int[] {s.size(), s.indexesNeedSync() ? 1 : 0, txnIndex ? 1 : 0});
            }
        }
        boolean syncDir = dirNeedsSync.getAndSet(false);
        return new FlushPlan(dir, target, toSync, sizes, syncDir);
    }

    /**
     * The offset below which a restart after a crash may trust this log without scanning: the
     * durable offset, lowered to the base of any segment whose trimmed indexes are not yet fsynced.
     */
    long recoveryPoint(DurablePoint durable) {
        for (LogSegment s : segments.tailMap(durable.segmentBase(), true).values()) {
            if (s.indexesNeedSync()) {
                return Math.min(durable.offset(), s.baseOffset());
            }
        }
        return durable.offset();
    }

    void closeAll() {
        for (LogSegment s : segments.values()) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("Closing {} failed", s.logFile(), e);
            }
        }
    }

    /** An I/O failure reading a live segment; carries the file for the operator's log. */
    static final class SegmentReadException extends IOException {
        private final transient LogSegment segment;

        SegmentReadException(LogSegment segment, IOException cause) {
            super(cause.toString(), cause);
            this.segment = segment;
        }

        Path file() {
            return segment.logFile();
        }
    }

    /** The fsyncs one flush performs, captured under the lock and executed outside it. */
    record FlushPlan(Path dir, DurablePoint target, List<LogSegment> segments, List<int[]> sizes, boolean syncDir) {

        /**
         * fsyncs the captured data, indexes and directory.
         *
         * @throws FlushException naming the file that failed
         */
        void execute() throws FlushException {
            for (int i = 0; i < segments.size(); i++) {
                LogSegment s = segments.get(i);
                try {
                    if (sizes.get(i)[0] > s.flushedSize()) {
                        s.channel().force(false);
                    }
                    if (sizes.get(i)[1] == 1) {
                        s.syncIndexes();
                    } else if (sizes.get(i)[2] == 1) {
                        s.txnIndex().sync();
                    }
                } catch (IOException e) {
                    throw new FlushException(s.logFile(), e);
                }
            }
            if (syncDir) {
                try {
                    AtomicFiles.fsyncDirectory(dir);
                } catch (IOException e) {
                    throw new FlushException(dir, e);
                }
            }
        }

        /** Records the captured sizes as flushed, after {@link #execute()} succeeded. */
        void markFlushed() {
            for (int i = 0; i < segments.size(); i++) {
                segments.get(i).markFlushed(sizes.get(i)[0]);
            }
        }
    }

    /** An fsync failure and the file it concerned. */
    static final class FlushException extends Exception {
        private final transient Path file;

        FlushException(Path file, IOException cause) {
            super(cause.toString(), cause);
            this.file = file;
        }

        Path file() {
            return file;
        }

        IOException io() {
            return (IOException) getCause();
        }
    }
}
