package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import io.millrace.broker.log.DurabilityTracker.Waiter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: an ordered set of {@link LogSegment}s in the partition directory
 * ({@link LogDirNames}), plus its producer state ({@code *.snapshot}, see
 * {@link ProducerStateSnapshot}) and, after DeleteRecords, its persisted log start offset
 * ({@link Checkpoints}).
 *
 * <p>Offsets: {@code logStartOffset <= durableOffset <= logEndOffset}. Appends get contiguous
 * offsets from the log end. The durable offset (the high watermark on this single-replica broker)
 * advances only after the group-commit thread fsynced everything below it; reads never return
 * bytes at or above it.
 *
 * <p>Offsets never change, but compaction ({@link LogCleaner}, for cleanup.policy=compact) removes
 * records from non-active segments below the durable offset, leaving gaps: a read at an offset
 * that is gone returns the next batch.
 *
 * <p>A log opens on first use: until then it is a name, a directory, a configuration and an
 * {@link OpenPlan} (a few hundred bytes of heap), with no file, thread or timer of its own, so a node
 * can hold 100,000 idle partitions. The first call that needs its contents lists the directory and
 * opens it (a few milliseconds; the caller's thread does it), trusting what the clean shutdown
 * recorded, or recovering from the recovery point after an unclean one. A failure to open takes the
 * partition offline, except hitting a resource limit ({@link ResourceLimitException}), which only
 * refuses that call. Background work (flushing, retention, cleaning, producer expiry) leaves
 * unopened logs alone: they have nothing to flush, and are judged when opened.
 *
 * <p>This class opens and closes the log, owns its configuration, the partition lock and its
 * status (offline, closed, deleted), and hands each call to the part that does the work:
 * {@link LogAppender} (the write path), {@link TransactionState} (producers, transactions, the
 * last stable offset), {@link LogReader} (fetches and lookups), {@link LogFlusher} (group commit
 * and preallocation) and {@link SegmentRemoval} (retention, DeleteRecords, the cleaner's swaps),
 * all sharing one {@link PartitionContext}: the {@link SegmentList} and {@link DurabilityTracker}
 * among others.
 *
 * <p>Thread-safety: all methods may be called from any thread. The partition lock serializes
 * appends, rolls, retention, the cleaner's segment swaps, producer-state changes and closing;
 * it is held only for in-memory work, renames and the positional write (never for an fsync; the
 * group-commit thread plans its flush from the published appended point without it). Reads are
 * lock-free: they use the published durable point and the copy-on-write segment map. A removed
 * segment's channel is closed for good only at its delayed deletion (until then it reopens the
 * renamed files when needed), so a {@link FileSlice} handed out stays readable for
 * file.delete.delay.ms. Two more locks are taken before the partition lock, never
 * after it: the flusher's (one flush at a time) and the log-start lock of {@link SegmentRemoval}
 * (one DeleteRecords at a time). Durability callbacks and the durable listener run without the
 * partition lock held. {@code closed} and {@code deleted} are set under the partition lock, so an
 * append, which checks them again under it, never writes after them; {@code offline} is set under
 * this object's monitor, so that it is logged once; opening on first use holds it too (never the
 * partition lock, which does not exist before).
 *
 * <p>Failure: an I/O error on this partition's files takes it offline (logged once as ERROR);
 * from then on appends and reads answer KAFKA_STORAGE_ERROR and durability waiters fail with it.
 */
public final class PartitionLog {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
    private static final long LIMIT_WARNING_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicLong nextLimitWarningNs = new AtomicLong(System.nanoTime());

    private final String topic;
    private final int partition;
    private final String name;
    private final Path dir;
    private final LogContext ctx;
    private volatile LogConfig config;
    /** The open log; null until first use. */
    private volatile Parts parts;
    /** How to open the log on first use; null once open. */
    private volatile OpenPlan plan;

    /** Whether {@link DirtyPartitions} names this log since the last checkpoint (or is about to). */
    private volatile boolean dirtyNoted;

    /** While not open: when retention must look at its files next ({@link UnopenedRetention}); 0 = unknown. */
    private volatile long unopenedRetentionDueMs;

    private volatile boolean offline;
    private volatile boolean deleted;
    private volatile boolean closed;

    /**
     * What an open log is made of: the partition lock and the parts sharing one
     * {@link PartitionContext}. Exists only once the log was opened.
     */
    private record Parts(
            ReentrantLock lock,
            SegmentList segments,
            DurabilityTracker durability,
            TransactionState txns,
            LogAppender appender,
            LogReader reader,
            LogFlusher flusher,
            SegmentRemoval removal) {}

    /**
     * How a partition that is not open yet is opened: from what a clean shutdown recorded about it
     * ({@code clean}, trusted unless its files disagree), else by recovery from
     * {@code recoveryPoint} (from its first segment when absent).
     */
    record OpenPlan(CleanShutdownCheckpoint.Entry clean, OptionalLong recoveryPoint) {

        static OpenPlan clean(CleanShutdownCheckpoint.Entry entry) {
            return new OpenPlan(entry, OptionalLong.empty());
        }

        static OpenPlan recover(OptionalLong recoveryPoint) {
            return new OpenPlan(null, recoveryPoint);
        }
    }

    private PartitionLog(String topic, int partition, Path dir, LogConfig config, LogContext ctx, OpenPlan plan) {
        this.topic = topic;
        this.partition = partition;
        this.name = topic + "-" + partition;
        this.dir = dir;
        this.config = config;
        this.ctx = ctx;
        this.plan = plan;
    }

    /**
     * A partition directory opened on first use, following {@code plan}; nothing is read or
     * opened now.
     */
    static PartitionLog lazy(String topic, int partition, Path dir, LogConfig config, LogContext ctx, OpenPlan plan) {
        return new PartitionLog(topic, partition, dir, config, ctx, plan);
    }

    /** Recovers and opens an existing partition directory now (see {@link LogRecovery}). */
    static PartitionLog open(
            String topic,
            int partition,
            Path dir,
            LogConfig config,
            LogContext ctx,
            boolean cleanShutdown,
            OptionalLong recoveryPoint)
            throws IOException {
        PartitionLog log = new PartitionLog(topic, partition, dir, config, ctx, OpenPlan.recover(recoveryPoint));
        synchronized (log) {
            log.parts = log.openNow(cleanShutdown, recoveryPoint);
            log.plan = null;
        }
        return log;
    }

    /**
     * Creates a new, empty partition directory; its first segment is created when it is first
     * used. Nothing is fsynced: until data is appended the directory may vanish in a crash (it is
     * then created again, empty), and the first flush makes it durable together with the data
     * ({@link SegmentList}).
     */
    static PartitionLog create(String topic, int partition, Path dir, LogConfig config, LogContext ctx)
            throws IOException {
        Files.createDirectories(dir);
        return lazy(
                topic,
                partition,
                dir,
                config,
                ctx,
                OpenPlan.clean(
                        CleanShutdownCheckpoint.Entry.empty(dir.getFileName().toString())));
    }

    /** The open log, opening it now if this is its first use. */
    private Parts parts() {
        Parts p = parts;
        return p != null ? p : openOnFirstUse();
    }

    private synchronized Parts openOnFirstUse() {
        if (parts != null) {
            return parts;
        }
        if (offline) {
            throw new KafkaStorageException(name + " is offline after a storage error on " + dir);
        }
        if (deleted) {
            throw new UnknownTopicOrPartitionException(name + " has been deleted");
        }
        if (closed) {
            throw new KafkaStorageException(name + " is closed: the broker is shutting down");
        }
        OpenPlan how = plan;
        try {
            Parts opened;
            if (how.clean() == null) {
                opened = openNow(false, how.recoveryPoint());
            } else {
                CleanShutdownCheckpoint.Entry recorded = how.clean();
                opened = openNow(
                        true,
                        recorded.lastSegmentBase() < 0
                                ? OptionalLong.empty()
                                : OptionalLong.of(recorded.logEndOffset()));
                String stale = staleness(opened, how.clean());
                if (stale != null) {
                    LOG.warn(
                            "{}: ignoring what the clean shutdown recorded about it: {}. Recovering it fully.",
                            name,
                            stale);
                    opened.segments().closeAll();
                    opened = openNow(false, OptionalLong.empty());
                }
            }
            parts = opened;
            plan = null;
            return opened;
        } catch (IOException e) {
            // A resource limit only refuses this use (storageFailure): the next one tries again.
            throw storageFailure("opening the partition directory", e);
        }
    }

    /** Why a log opened as cleanly shut down does not match what the shutdown recorded, or null. */
    private static String staleness(Parts opened, CleanShutdownCheckpoint.Entry recorded) {
        SegmentList segments = opened.segments();
        if (recorded.lastSegmentBase() < 0) {
            return segments.logEndOffset() == 0 && segments.active().size() == 0
                    ? null
                    : "it was empty, but its directory now holds data ending at offset " + segments.logEndOffset();
        }
        LogSegment last = segments.active();
        if (last.baseOffset() != recorded.lastSegmentBase()
                || last.size() != recorded.lastSegmentBytes()
                || segments.logEndOffset() != recorded.logEndOffset()) {
            return "it ended at offset " + recorded.logEndOffset() + " in segment " + recorded.lastSegmentBase()
                    + " of " + recorded.lastSegmentBytes() + " bytes, but its files now end at offset "
                    + segments.logEndOffset() + " in segment " + last.baseOffset() + " of " + last.size() + " bytes";
        }
        return null;
    }

    private Parts openNow(boolean cleanShutdown, OptionalLong recoveryPoint) throws IOException {
        boolean firstSegment = isEmptyDirectory(dir);
        long now = ctx.clock().milliseconds();
        LogRecovery.Result recovered =
                LogRecovery.recover(dir, name, config, ctx.channels(), now, cleanShutdown, recoveryPoint);
        try {
            ProducerStateTable producers = ProducerStateLoader.load(
                    dir, name, recovered.segments(), recovered.logEndOffset(), now, recovered.txnIndexRebuildFrom());
            if (recovered.txnIndexRebuildFrom() != Long.MAX_VALUE) {
                for (LogSegment s : recovered.segments().values()) {
                    s.txnIndex().sync();
                }
                AtomicFiles.fsyncDirectory(dir);
            }
            if (firstSegment) {
                // The directory may be as new as its first segment: make both durable before any data.
                AtomicFiles.fsyncDirectory(dir);
                AtomicFiles.fsyncDirectory(dir.getParent());
            }
            ReentrantLock lock = new ReentrantLock();
            SegmentList segments = new SegmentList(dir, name, ctx.channels(), recovered);
            DurabilityTracker durability = new DurabilityTracker(segments.fullyDurable());
            PartitionContext shared = new PartitionContext(this, name, dir, ctx, lock, segments, durability);
            TransactionState txns = new TransactionState(shared, producers, recoveryPoint.orElse(-1L));
            LogAppender appender = new LogAppender(shared, txns);
            return new Parts(
                    lock,
                    segments,
                    durability,
                    txns,
                    appender,
                    new LogReader(shared, txns),
                    new LogFlusher(shared, txns),
                    new SegmentRemoval(shared, appender));
        } catch (IOException | RuntimeException e) {
            for (LogSegment s : recovered.segments().values()) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    /**
     * Opens the log now if it is not open yet (recovery at startup).
     *
     * @throws KafkaStorageException if it cannot be opened (then offline, unless a resource limit was hit)
     */
    void openNow() {
        parts();
    }

    /** Whether the log was opened (it opens on first use). */
    public boolean isOpen() {
        return parts != null;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    /** Swaps the configuration; it applies from the next append, roll, retention run or flush decision. */
    public void updateConfig(LogConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        unopenedRetentionDueMs = 0;
    }

    // ---- writes ----

    /**
     * Appends one record batch without a transaction-verification guard (a coordinator's writes
     * need none); see {@link #append(ByteBuffer, int, AppendOrigin, VerificationGuard)}.
     */
    public AppendResult append(ByteBuffer batch, int leaderEpoch, AppendOrigin origin) {
        return append(
                batch,
                leaderEpoch,
                origin,
                origin == AppendOrigin.COORDINATOR ? VerificationGuard.DISABLED : VerificationGuard.NONE);
    }

    /**
     * Appends one record batch (magic 2), which the log may modify in place.
     *
     * <p>Validates the batch ({@link BatchValidator}) and, for a client's batch with a producer id,
     * the producer's sequence and transaction state ({@link ProducerStateTable}; a transactional
     * batch that starts a transaction needs {@code guard} from {@link #startTxnVerification}); a
     * coordinator's batch with a producer id (offsets committed in a transaction) is checked for its
     * epoch and, unless the guard is {@link VerificationGuard#DISABLED}, the same guard. A
     * control batch from the coordinator must be a transaction marker: it closes the producer's
     * transaction, and an abort adds the transaction to the segment's {@link TxnIndex}. Assigns
     * offsets from the log end, stamps {@code leaderEpoch}, rolls the segment when due and writes
     * the batch. The data is not yet durable: use {@link #whenDurable} for acks=all. Never throws
     * for bad input; every refusal is an {@link AppendResult} with an error and an
     * operator-readable message. Thread-safe.
     */
    public AppendResult append(ByteBuffer batch, int leaderEpoch, AppendOrigin origin, VerificationGuard guard) {
        Parts p;
        try {
            p = parts();
        } catch (KafkaStorageException | UnknownTopicOrPartitionException e) {
            return AppendResult.failed(Errors.forException(e), e.getMessage(), -1);
        }
        AppendResult result = p.appender().append(batch, leaderEpoch, origin, guard);
        if (!dirtyNoted && result.error() == Errors.NONE) {
            dirtyNoted = true;
            ctx.dirty().record(dir);
        }
        return result;
    }

    /**
     * Starts KIP-890 verification of a transactional batch of {@code producerId}: returns the guard
     * to append it with once the coordinator confirmed the partition is in the producer's
     * transaction, or {@link VerificationGuard#DISABLED} when the producer's transaction is already
     * open here (no verification needed).
     */
    public VerificationGuard startTxnVerification(long producerId) {
        return parts().txns().startVerification(producerId);
    }

    /**
     * Calls {@code callback} once every offset below {@code offsetExclusive} is fsynced (NONE), or
     * when that can no longer happen (KAFKA_STORAGE_ERROR when the partition went offline,
     * UNKNOWN_TOPIC_OR_PARTITION when it was deleted). Also asks the group-commit thread to flush
     * now, ignoring flush.ms (started from the calling thread when no flush is running). The
     * callback runs on a flush thread, or on the calling thread when the answer is already known.
     */
    public void whenDurable(long offsetExclusive, DurabilityCallback callback) {
        Parts p;
        try {
            p = parts();
        } catch (KafkaStorageException | UnknownTopicOrPartitionException e) {
            complete(callback, Errors.forException(e));
            return;
        }
        Errors now = p.durability().register(offsetExclusive, callback);
        if (now != null) {
            complete(callback, now);
            return;
        }
        ctx.committer().flushForWaiter(this);
    }

    // ---- reads ----

    /** Reads as a read_uncommitted consumer; see {@link #read(long, int, boolean, boolean)}. */
    public LogReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch) {
        return read(fetchOffset, maxBytes, minOneBatch, false);
    }

    /**
     * Reads from the batch holding {@code fetchOffset} up to {@code maxBytes} of one segment,
     * never past the durable offset, and with {@code readCommitted} never past the last stable
     * offset; a read_committed read also returns the aborted transactions overlapping the returned
     * bytes (consumers drop their records). With {@code minOneBatch}, a first batch larger than
     * {@code maxBytes} is returned whole. Returns OFFSET_OUT_OF_RANGE outside
     * [logStartOffset, logEndOffset], an empty slice at or past the bound, and
     * KAFKA_STORAGE_ERROR when offline. The slice refers to the segment file (no copy).
     */
    public LogReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch, boolean readCommitted) {
        return parts().reader().read(fetchOffset, maxBytes, minOneBatch, readCommitted);
    }

    /**
     * The last stable offset: read_committed consumers see offsets below it. The first offset of
     * the oldest transaction that is open (or whose marker is not durable yet), at most the high
     * watermark, at least the log start offset.
     */
    public long lastStableOffset() {
        Parts p = parts();
        return p.txns()
                .lastStableOffset(p.durability().durableOffset(), p.segments().logStartOffset());
    }

    /**
     * The aborted transactions overlapping {@code [from, upperBound)} (the cleaner drops their data).
     *
     * @throws KafkaStorageException if the partition is offline or an index cannot be read
     */
    List<AbortedTxn> abortedTransactions(long from, long upperBound) {
        return parts().reader().abortedTransactions(from, upperBound);
    }

    /** The producers this partition tracks, as DescribeProducers reports them. */
    public List<ProducerView> activeProducers() {
        return parts().txns().activeProducers();
    }

    /**
     * The recovery point to write in the checkpoint, and whether data may lie past it
     * ({@link #dirtyNoted()} afterwards). The mark is cleared before the offsets are read, and an
     * append sets it after its data is published: an append racing this call is either below the
     * point returned or marked.
     */
    long checkpointRecoveryPoint() {
        Parts p = parts;
        if (p == null) {
            return plannedRecoveryPoint();
        }
        dirtyNoted = false;
        long point = p.segments().recoveryPoint(p.durability().point());
        if (point != p.segments().logEndOffset()) {
            dirtyNoted = true;
        }
        return point;
    }

    /** Whether data may lie past the last checkpointed recovery point (see {@link DirtyPartitions}). */
    boolean dirtyNoted() {
        return dirtyNoted;
    }

    /** The checkpoint file now records {@code recoveryPoint} for this log (older snapshots may go). */
    void recoveryPointCheckpointed(long recoveryPoint) {
        Parts p = parts;
        if (p != null) {
            p.txns().recoveryPointCheckpointed(recoveryPoint);
        }
    }

    public long logStartOffset() {
        return parts().segments().logStartOffset();
    }

    public long logEndOffset() {
        return parts().segments().logEndOffset();
    }

    /** Every offset below this is fsynced and readable: the high watermark. */
    public long durableOffset() {
        return parts().durability().durableOffset();
    }

    /** The recovery point of a log not opened yet: what it is to be opened with, -1 when that is nothing. */
    private long plannedRecoveryPoint() {
        OpenPlan how = plan;
        if (how == null) {
            return -1; // opened meanwhile: the next checkpoint has it
        }
        return how.clean() != null
                ? how.clean().logEndOffset()
                : how.recoveryPoint().orElse(-1L);
    }

    public long sizeInBytes() {
        return parts().segments().sizeInBytes();
    }

    public int numberOfSegments() {
        return parts().segments().count();
    }

    public boolean isOffline() {
        return offline;
    }

    /**
     * The first record (not batch) whose timestamp is at least {@code timestamp}, within
     * [logStartOffset, durableOffset); empty when there is none.
     *
     * @throws KafkaStorageException if the partition is offline or reading fails
     */
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) {
        return parts().reader().offsetForTimestamp(timestamp);
    }

    /**
     * The record with the largest timestamp (the earliest such record on ties) within the durable
     * range; empty when no record has a timestamp.
     *
     * @throws KafkaStorageException if the partition is offline or reading fails
     */
    public Optional<TimestampOffset> maxTimestampOffset() {
        return parts().reader().maxTimestampOffset();
    }

    // ---- removing segments ----

    /**
     * DeleteRecords: moves the log start offset up to {@code offset} (-1 = the high watermark),
     * persists it (fsynced) before returning, and deletes the segments entirely below it.
     *
     * @return the log start offset afterwards
     * @throws OffsetOutOfRangeException if {@code offset} is beyond the durable offset or negative
     * @throws KafkaStorageException if the partition is offline or persisting fails
     */
    public long deleteRecordsBefore(long offset) {
        return parts().removal().deleteRecordsBefore(offset);
    }

    /**
     * Applies retention when it may delete something: always for an open log; for one not opened
     * yet only when its files say retention may be due (then it is opened), looking at them again
     * only when the earliest such moment has come. Returns how many segments were deleted.
     *
     * @throws IOException if the files of a log not opened yet cannot be listed
     */
    int applyRetentionIfDue(long nowMs) throws IOException {
        if (parts == null) {
            long due = unopenedRetentionDueMs;
            if (due == 0 || due <= nowMs) {
                due = UnopenedRetention.dueMs(dir, config, nowMs);
                unopenedRetentionDueMs = due;
            }
            if (due > nowMs) {
                return 0;
            }
        }
        return applyRetention();
    }

    /**
     * Applies time, size and log-start retention now ({@link SegmentRetention}); returns how many
     * segments were deleted. Called by the log scheduler.
     */
    public int applyRetention() {
        return parts().removal().applyRetention();
    }

    // ---- compaction (called by the cleaner thread) ----

    /** The current segments, an immutable snapshot (the last one is the active segment). */
    NavigableMap<Long, LogSegment> segmentMap() {
        return parts().segments().map();
    }

    LogSegment activeSegment() {
        return parts().segments().active();
    }

    /** Whether background work (cleaning) may still touch this log: it is open, and neither offline nor closed. */
    boolean isUsable() {
        return parts != null && !offline && !deleted && !closed;
    }

    /**
     * For every tracked producer, the last offset of its newest data batch (-1 when only a marker is
     * known) and its epoch: the cleaner keeps that batch, or the marker of that epoch.
     */
    Map<Long, CompactionFilter.ProducerTail> producerTails() {
        return parts().txns().producerTails();
    }

    /**
     * Swaps a cleaned segment in for the consecutive, non-active segments it was cleaned from.
     * {@code cleaned} is complete and fsynced, its files named {@code .swap}. Under the lock, and
     * for renames only: checks that every old segment is still there, publishes the new segment set
     * (readers see the old set or the new one, never a mix) and renames the old files to
     * {@code .deleted}. Then the directory is fsynced outside the lock, and under the lock again the
     * {@code .swap} suffix is dropped (fsynced once more). The old files are deleted after
     * file.delete.delay.ms so reads in flight finish. A crash between any two steps is repaired at
     * startup by {@link SwapRecovery}.
     *
     * @return false, changing nothing, when the log is no longer usable or retention removed one of
     *         the old segments meanwhile (the caller discards {@code cleaned})
     * @throws IOException when a rename or fsync fails; the partition is then offline
     */
    boolean replaceSegments(List<LogSegment> group, LogSegment cleaned, SwapObserver observer) throws IOException {
        return parts().removal().replaceSegments(group, cleaned, observer);
    }

    // ---- group commit ----

    DurabilityTracker durability() {
        return parts().durability();
    }

    boolean canFlush() {
        return parts != null && !offline && !deleted;
    }

    /**
     * Makes everything appended so far durable: snapshot the appended point, fsync, then publish
     * the durable point, complete waiters and tell the listener. One flush at a time. Takes the
     * partition lock only when a transaction marker may have become durable, never to wait for an
     * append's write.
     */
    void flush(DurableListener listener) {
        Parts p = parts;
        if (p != null) {
            p.flusher().flush(listener);
        }
    }

    // ---- producers, lifecycle ----

    /** Drops idle producers (log scheduler). */
    int expireProducers(long expirationMs) {
        Parts p = parts;
        return p == null ? 0 : p.txns().expire(ctx.clock().milliseconds(), expirationMs);
    }

    /** Producer ids currently tracked (tests and metrics). */
    int producerCount() {
        return parts().txns().producerCount();
    }

    /**
     * Clean shutdown of this log: final flush, indexes trimmed and synced, producer-state snapshot
     * at the log end, channels closed. Returns what the clean-shutdown checkpoint records for it,
     * or null when not everything reached disk (it is then recovered at the next startup). A log
     * never opened keeps what it was opened with: clean if it was.
     */
    CleanShutdownCheckpoint.Entry closeForShutdown(DurableListener listener) {
        Parts p;
        synchronized (this) {
            p = parts;
            if (p == null) {
                closed = true;
                OpenPlan how = plan;
                return offline || how == null ? null : how.clean();
            }
        }
        p.flusher().flush(listener);
        SegmentList segments = p.segments();
        boolean clean = !offline;
        byte[] snapshot = null;
        long end = segments.logEndOffset();
        LogSegment active = segments.active();
        p.lock().lock();
        try {
            closed = true;
            end = segments.logEndOffset();
            if (clean) {
                active.onBecomeInactive();
                snapshot = p.txns().snapshot(end);
            }
        } catch (IOException e) {
            LOG.warn(
                    "{}: could not trim the indexes of {} at shutdown ({}); they will be rebuilt at startup",
                    name,
                    active.logFile(),
                    e.toString());
            clean = false;
        } finally {
            p.lock().unlock();
        }
        if (clean) {
            try {
                active.syncIndexes();
                p.txns().writeSnapshot(end, snapshot);
            } catch (IOException e) {
                LOG.warn(
                        "{}: could not write its shutdown state to {} ({}); the next startup will check this"
                                + " partition fully",
                        name,
                        dir,
                        e.toString());
                clean = false;
            }
        }
        failWaiters(Errors.KAFKA_STORAGE_ERROR);
        segments.closeAll();
        return clean
                ? new CleanShutdownCheckpoint.Entry(
                        dir.getFileName().toString(), end, active.baseOffset(), active.size())
                : null;
    }

    /**
     * Marks the log deleted (appends refused, waiters failed) and returns its segments, whose
     * channels the caller closes after file.delete.delay.ms (none when it was never opened).
     */
    List<LogSegment> markDeleted() {
        Parts p;
        synchronized (this) {
            p = parts;
            if (p == null) {
                deleted = true;
                closed = true;
                return List.of();
            }
        }
        p.lock().lock();
        try {
            deleted = true;
            closed = true;
        } finally {
            p.lock().unlock();
        }
        failWaiters(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        return p.segments().all();
    }

    boolean isDeleted() {
        return deleted;
    }

    boolean isClosed() {
        return closed;
    }

    // ---- failure ----

    /** Why an append is refused now, or null when the log takes appends. */
    AppendResult unavailable() {
        Parts p = parts;
        long logStart = p == null ? -1 : p.segments().logStartOffset();
        if (offline) {
            return AppendResult.failed(
                    Errors.KAFKA_STORAGE_ERROR,
                    name + " is offline after a storage error on " + dir + "; see the broker log",
                    logStart);
        }
        if (deleted) {
            return AppendResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION, name + " has been deleted", logStart);
        }
        if (closed) {
            return AppendResult.failed(
                    Errors.KAFKA_STORAGE_ERROR, name + " is closed: the broker is shutting down", logStart);
        }
        return null;
    }

    /** @throws KafkaStorageException if the partition is offline */
    void checkOnline() {
        if (offline) {
            throw new KafkaStorageException(name + " is offline after a storage error on " + dir);
        }
    }

    /** Takes the partition offline for {@code e} and returns the exception to throw to the caller. */
    KafkaStorageException storageFailure(String action, IOException e) {
        goOffline(action, dir, e);
        ResourceLimitException limit = ResourceLimitException.of(e, dir);
        return limit != null
                ? new KafkaStorageException(name + ": " + action + " was refused: " + limit.getMessage(), e)
                : new KafkaStorageException("Storage error on " + name + " while " + action + ": " + e, e);
    }

    /**
     * Takes the partition offline after an I/O error while {@code action} on {@code file} (logged
     * once, as ERROR) and fails every durability waiter with KAFKA_STORAGE_ERROR.
     */
    void goOffline(String action, Path file, Throwable cause) {
        ResourceLimitException limit = ResourceLimitException.of(cause, dir);
        if (limit != null) {
            refused(action, file, limit);
            return;
        }
        boolean first;
        synchronized (this) {
            first = !offline;
            offline = true;
        }
        if (first) {
            LOG.error(
                    "{} is now OFFLINE: an I/O error occurred while {} {} ({}). Appends and reads of this"
                            + " partition fail with KAFKA_STORAGE_ERROR until the broker restarts. Check the disk holding {}"
                            + " (kernel log, free space, permissions), then restart the broker; recovery will truncate any"
                            + " damaged tail.",
                    name,
                    action,
                    file,
                    cause.toString(),
                    dir,
                    cause);
        }
        failWaiters(Errors.KAFKA_STORAGE_ERROR);
    }

    /**
     * A resource limit refused {@code action}: the partition stays online, the waiters of the
     * moment are answered KAFKA_STORAGE_ERROR (their producers retry), and the next operation tries
     * again. Logged at WARN, at most once per {@link #LIMIT_WARNING_INTERVAL_NS} for the node.
     */
    private void refused(String action, Path file, ResourceLimitException limit) {
        long now = System.nanoTime();
        long next = nextLimitWarningNs.get();
        if (now - next >= 0 && nextLimitWarningNs.compareAndSet(next, now + LIMIT_WARNING_INTERVAL_NS)) {
            LOG.warn(
                    "{}: {} {} was refused: {}. The partition stays online and the operation is tried again; other"
                            + " partitions hitting the limit in the next 10 s are not logged.",
                    name,
                    action,
                    file,
                    limit.getMessage());
        }
        Parts p = parts;
        if (p != null) {
            complete(p.durability().takeWaiters(), Errors.KAFKA_STORAGE_ERROR);
        }
    }

    /** The partition can no longer flush: completes every durability waiter, and later ones, with {@code error}. */
    private void failWaiters(Errors error) {
        Parts p = parts;
        if (p != null) {
            complete(p.durability().fail(error), error);
        }
    }

    /** Runs durability callbacks; the caller holds no lock. */
    void complete(List<Waiter> waiters, Errors error) {
        for (Waiter w : waiters) {
            complete(w.callback(), error);
        }
    }

    private void complete(DurabilityCallback callback, Errors error) {
        try {
            callback.onComplete(error);
        } catch (RuntimeException e) {
            LOG.error("Durability callback for {} threw", name, e);
        }
    }

    @Override
    public String toString() {
        Parts p = parts;
        if (p == null) {
            return "PartitionLog(" + name + ", not open yet" + (offline ? ", OFFLINE" : "") + ")";
        }
        return "PartitionLog(" + name + ", start=" + p.segments().logStartOffset() + ", durable="
                + p.durability().durableOffset() + ", end=" + p.segments().logEndOffset() + ", segments="
                + p.segments().count() + (offline ? ", OFFLINE" : "") + ")";
    }
}
