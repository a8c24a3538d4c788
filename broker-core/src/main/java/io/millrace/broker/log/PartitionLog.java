package io.millrace.broker.log;

import io.millrace.broker.log.DurabilityTracker.DurablePoint;
import io.millrace.broker.log.DurabilityTracker.Waiter;
import io.millrace.broker.log.SegmentRetention.Deletion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
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
 * <p>Thread-safety: all methods may be called from any thread. Appends, rolls, retention, the
 * cleaner's segment swaps and producer-state changes are serialized by one lock, held only for
 * in-memory work, renames and the positional write (never for an fsync; the group-commit thread
 * plans its flush from the published appended point without it). Reads are lock-free: they
 * use the published durable point and the copy-on-write segment map. A removed segment's channel
 * stays open until its delayed deletion, so a {@link FileSlice} handed out stays readable for
 * file.delete.delay.ms. Durability callbacks and the durable listener run without any lock held.
 *
 * <p>Failure: an I/O error on this partition's files takes it offline (logged once as ERROR);
 * from then on appends and reads answer KAFKA_STORAGE_ERROR and durability waiters fail with it.
 */
public final class PartitionLog {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

    private final String topic;
    private final int partition;
    private final String name;
    private final LogContext ctx;
    private final ReentrantLock lock = new ReentrantLock();
    private final Object logStartLock = new Object();
    private final Object flushLock = new Object();
    private final SegmentList segments;
    private final ProducerStateTable producers;
    private final DurabilityTracker durability;
    private final Path dir;
    private volatile LogConfig config;
    /** The producers' first unstable offset ({@link ProducerStateTable#firstUnstableOffset()}), published. */
    private volatile long firstUnstableOffset;
    /** The recovery point last written to the checkpoint file (-1: unknown); snapshots at or below it may go. */
    private volatile long checkpointedRecoveryPoint;

    private volatile boolean offline;
    private volatile boolean deleted;
    private volatile boolean closed;

    private PartitionLog(
            String topic,
            int partition,
            Path dir,
            LogConfig config,
            LogContext ctx,
            LogRecovery.Result recovered,
            ProducerStateTable producers,
            long recoveryPoint) {
        this.topic = topic;
        this.partition = partition;
        this.name = topic + "-" + partition;
        this.dir = dir;
        this.config = config;
        this.ctx = ctx;
        this.segments = new SegmentList(dir, name, ctx.channels(), recovered);
        this.producers = producers;
        this.durability = new DurabilityTracker(segments.fullyDurable());
        this.firstUnstableOffset = producers.firstUnstableOffset();
        this.checkpointedRecoveryPoint = recoveryPoint;
    }

    /** Recovers and opens an existing partition directory (see {@link LogRecovery}). */
    static PartitionLog open(
            String topic,
            int partition,
            Path dir,
            LogConfig config,
            LogContext ctx,
            boolean cleanShutdown,
            OptionalLong recoveryPoint)
            throws IOException {
        String name = topic + "-" + partition;
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
                Checkpoints.fsyncDirectory(dir);
            }
            return new PartitionLog(
                    topic, partition, dir, config, ctx, recovered, producers, recoveryPoint.orElse(-1L));
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

    /** Creates a new, empty partition directory (fsyncing it and its parent) and opens it. */
    static PartitionLog create(String topic, int partition, Path dir, LogConfig config, LogContext ctx)
            throws IOException {
        Files.createDirectories(dir);
        PartitionLog log = open(topic, partition, dir, config, ctx, false, OptionalLong.empty());
        Checkpoints.fsyncDirectory(dir);
        Checkpoints.fsyncDirectory(dir.getParent());
        return log;
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
    }

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
        AppendResult unavailable = unavailable();
        if (unavailable != null) {
            return unavailable;
        }
        LogConfig cfg = config;
        long now = ctx.clock().milliseconds();
        BatchValidator.Outcome outcome =
                BatchValidator.validate(batch, cfg, origin, now, name, segments.logStartOffset());
        if (outcome.failure() != null) {
            return outcome.failure();
        }
        ByteBuffer b = outcome.batch();
        int at = b.position();
        int size = b.remaining();
        int lastDelta = BatchHeader.lastOffsetDelta(b, at);
        long maxTimestamp = BatchHeader.maxTimestamp(b, at);
        long producerId = BatchHeader.producerId(b, at);
        int attributes = BatchHeader.attributes(b, at);
        boolean control = (attributes & BatchHeader.CONTROL_FLAG_MASK) != 0;
        boolean transactional = (attributes & BatchHeader.TRANSACTIONAL_FLAG_MASK) != 0;
        TxnMarker marker = control ? TxnMarker.parse(b, at, size) : null;
        if (control && (marker == null || producerId < 0)) {
            return AppendResult.failed(
                    Errors.INVALID_RECORD,
                    "Control batch for " + name + " is not a transaction" + " marker of a producer",
                    segments.logStartOffset());
        }
        boolean producerBatch = producerId >= 0 && !control;
        short epoch = BatchHeader.producerEpoch(b, at);
        int firstSeq = BatchHeader.baseSequence(b, at);
        int lastSeq = BatchHeader.lastSequence(firstSeq, lastDelta);
        AppendResult result;
        boolean becameDirty = false;
        IOException failure = null;
        Path failedFile = null;
        lock.lock();
        try {
            result = unavailable();
            if (result == null && marker != null) {
                result = producers.checkMarker(
                        producerId, epoch, marker.coordinatorEpoch(), name, segments.logStartOffset());
            } else if (result == null && producerBatch && origin == AppendOrigin.CLIENT) {
                result = producers.check(
                        producerId,
                        epoch,
                        firstSeq,
                        lastSeq,
                        transactional,
                        guard,
                        name,
                        segments.logStartOffset(),
                        cfg.timestampType() == TimestampType.LOG_APPEND_TIME);
            } else if (result == null && producerBatch) {
                result = producers.checkCoordinatorWrite(
                        producerId, epoch, transactional, guard, name, segments.logStartOffset());
            }
            if (result == null) {
                long base = segments.logEndOffset();
                long last = base + lastDelta;
                BatchHeader.setBaseOffset(b, at, base);
                BatchHeader.setPartitionLeaderEpoch(b, at, leaderEpoch);
                LogSegment segment = segments.active();
                try {
                    if (segment.shouldRoll(size, last, now, cfg)) {
                        failedFile = dir;
                        segment = roll(cfg);
                    }
                    failedFile = segment.logFile();
                    segment.append(b, base, maxTimestamp, now, cfg.indexIntervalBytes());
                    if (marker != null) {
                        failedFile = segment.txnIndex().file();
                        completeTxn(segment, producerId, epoch, marker, base, maxTimestamp, now);
                    } else if (producerBatch) {
                        producers.update(
                                producerId, epoch, firstSeq, lastSeq, base, last, maxTimestamp, now, transactional);
                        firstUnstableOffset = producers.firstUnstableOffset();
                    }
                    segments.setLogEndOffset(last + 1);
                    becameDirty = durability.markDirty(now);
                    result = new AppendResult(
                            Errors.NONE, null, base, last, outcome.logAppendTime(), segments.logStartOffset(), false);
                } catch (IOException e) {
                    failure = e;
                    result = AppendResult.failed(
                            Errors.KAFKA_STORAGE_ERROR,
                            "Write to " + name + " failed: " + e,
                            segments.logStartOffset());
                }
            }
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            goOffline("writing a record batch", failedFile, failure);
        } else if (becameDirty) {
            ctx.committer().schedule(this);
        }
        return result;
    }

    /** Applies a marker just written to {@code segment}; the caller holds the lock. */
    private void completeTxn(
            LogSegment segment, long producerId, short epoch, TxnMarker marker, long offset, long timestamp, long now)
            throws IOException {
        AbortedTxn aborted = producers.completeTxn(
                producerId, epoch, marker.coordinatorEpoch(), marker.commit(), offset, timestamp, now);
        if (aborted != null && segment.txnIndex().append(aborted)) {
            segments.markDirectoryChanged();
        }
        firstUnstableOffset = producers.firstUnstableOffset();
    }

    /**
     * Starts KIP-890 verification of a transactional batch of {@code producerId}: returns the guard
     * to append it with once the coordinator confirmed the partition is in the producer's
     * transaction, or {@link VerificationGuard#DISABLED} when the producer's transaction is already
     * open here (no verification needed).
     */
    public VerificationGuard startTxnVerification(long producerId) {
        lock.lock();
        try {
            return producers.startVerification(producerId);
        } finally {
            lock.unlock();
        }
    }

    private AppendResult unavailable() {
        long logStart = segments.logStartOffset();
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

    /** Rolls to a new segment and snapshots producer state at its base; the caller holds the lock. */
    private LogSegment roll(LogConfig cfg) throws IOException {
        long base = segments.logEndOffset();
        byte[] snapshot = ProducerStateSnapshot.serialize(producers, base);
        LogSegment next = segments.roll(cfg);
        writeSnapshotLater(base, snapshot);
        return next;
    }

    private void writeSnapshotLater(long offset, byte[] snapshot) {
        Path d = dir;
        try {
            ctx.scheduler().execute(() -> {
                if (deleted) {
                    return;
                }
                try {
                    ProducerStateSnapshot.write(d, offset, snapshot, checkpointedRecoveryPoint);
                } catch (IOException e) {
                    LOG.warn(
                            "{}: could not write producer-state snapshot at offset {} in {} ({}); a restart will"
                                    + " replay more of the log to rebuild producer state",
                            name,
                            offset,
                            d,
                            e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // Shutting down: the shutdown snapshot supersedes this one.
        }
    }

    /**
     * Calls {@code callback} once every offset below {@code offsetExclusive} is fsynced (NONE), or
     * when that can no longer happen (KAFKA_STORAGE_ERROR when the partition went offline,
     * UNKNOWN_TOPIC_OR_PARTITION when it was deleted). Also asks the group-commit thread to flush
     * now, ignoring flush.ms (started from the calling thread when no flush is running). The
     * callback runs on a flush thread, or on the calling thread when the answer is already known.
     */
    public void whenDurable(long offsetExclusive, DurabilityCallback callback) {
        Errors now = durability.register(offsetExclusive, callback);
        if (now != null) {
            complete(callback, now);
            return;
        }
        ctx.committer().flushForWaiter(this);
    }

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
        DurablePoint durable = durability.point();
        long start = segments.logStartOffset();
        long end = segments.logEndOffset();
        long lso = lastStableOffset(durable.offset(), start);
        List<AbortedTxn> none = readCommitted ? List.of() : null;
        if (offline) {
            return new LogReadResult(
                    Errors.KAFKA_STORAGE_ERROR, segments.emptySlice(), durable.offset(), lso, start, end, none);
        }
        if (fetchOffset < start || fetchOffset > end) {
            return new LogReadResult(
                    Errors.OFFSET_OUT_OF_RANGE, segments.emptySlice(), durable.offset(), lso, start, end, none);
        }
        long bound = readCommitted ? lso : durable.offset();
        if (fetchOffset >= bound) {
            return new LogReadResult(Errors.NONE, segments.emptySlice(), durable.offset(), lso, start, end, none);
        }
        SegmentList.Slice slice;
        List<AbortedTxn> aborted = none;
        try {
            DurablePoint limit = readCommitted ? segments.boundAt(lso, durable) : durable;
            slice = segments.slice(fetchOffset, maxBytes, minOneBatch, limit);
            if (slice != null && readCommitted) {
                aborted = segments.abortedTransactions(fetchOffset, Math.min(lso, segments.upperBoundOf(slice)));
            }
        } catch (SegmentList.SegmentReadException e) {
            goOffline("reading", e.file(), e.getCause());
            return new LogReadResult(
                    Errors.KAFKA_STORAGE_ERROR, segments.emptySlice(), durable.offset(), lso, start, end, none);
        } catch (IOException e) {
            goOffline("reading", dir, e);
            return new LogReadResult(
                    Errors.KAFKA_STORAGE_ERROR, segments.emptySlice(), durable.offset(), lso, start, end, none);
        }
        if (slice != null) {
            return new LogReadResult(Errors.NONE, slice.records(), durable.offset(), lso, start, end, aborted);
        }
        // The segment was removed by retention while we looked: the offset is below the log start now.
        long newStart = segments.logStartOffset();
        Errors error = fetchOffset < newStart ? Errors.OFFSET_OUT_OF_RANGE : Errors.NONE;
        return new LogReadResult(
                error, segments.emptySlice(), durable.offset(), lso, newStart, segments.logEndOffset(), none);
    }

    /**
     * The last stable offset: read_committed consumers see offsets below it. The first offset of
     * the oldest transaction that is open (or whose marker is not durable yet), at most the high
     * watermark, at least the log start offset.
     */
    public long lastStableOffset() {
        return lastStableOffset(durability.durableOffset(), segments.logStartOffset());
    }

    private long lastStableOffset(long highWatermark, long logStart) {
        return Math.max(logStart, Math.min(firstUnstableOffset, highWatermark));
    }

    /**
     * The aborted transactions overlapping {@code [from, upperBound)} (the cleaner drops their data).
     *
     * @throws KafkaStorageException if the partition is offline or an index cannot be read
     */
    List<AbortedTxn> abortedTransactions(long from, long upperBound) {
        checkOnline();
        try {
            return segments.abortedTransactions(from, upperBound);
        } catch (IOException e) {
            throw storageFailure("reading aborted-transaction indexes", e);
        }
    }

    /** The producers this partition tracks, as DescribeProducers reports them. */
    public List<ProducerView> activeProducers() {
        lock.lock();
        try {
            List<ProducerView> out = new ArrayList<>(producers.size());
            producers
                    .entries()
                    .forEach((id, e) -> out.add(new ProducerView(
                            id,
                            e.epoch,
                            e.lastSequence(),
                            e.lastTimestamp,
                            e.coordinatorEpoch,
                            e.currentTxnFirstOffset)));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The checkpoint file now records {@code recoveryPoint} for this log (older snapshots may go). */
    void recoveryPointCheckpointed(long recoveryPoint) {
        checkpointedRecoveryPoint = recoveryPoint;
    }

    public long logStartOffset() {
        return segments.logStartOffset();
    }

    public long logEndOffset() {
        return segments.logEndOffset();
    }

    /** Every offset below this is fsynced and readable: the high watermark. */
    public long durableOffset() {
        return durability.durableOffset();
    }

    /** What the recovery-point checkpoint records for this log (see {@link Checkpoints}). */
    long recoveryPoint() {
        return segments.recoveryPoint(durability.point());
    }

    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    public int numberOfSegments() {
        return segments.count();
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
        checkOnline();
        try {
            return TimestampLookup.offsetForTimestamp(
                    segments.map(), durability.point(), segments.logStartOffset(), timestamp);
        } catch (IOException e) {
            throw storageFailure("searching by timestamp", e);
        }
    }

    /**
     * The record with the largest timestamp (the earliest such record on ties) within the durable
     * range; empty when no record has a timestamp.
     *
     * @throws KafkaStorageException if the partition is offline or reading fails
     */
    public Optional<TimestampOffset> maxTimestampOffset() {
        checkOnline();
        try {
            return TimestampLookup.maxTimestamp(segments.map(), durability.point(), segments.logStartOffset());
        } catch (IOException e) {
            throw storageFailure("searching for the largest timestamp", e);
        }
    }

    /**
     * DeleteRecords: moves the log start offset up to {@code offset} (-1 = the high watermark),
     * persists it (fsynced) before returning, and deletes the segments entirely below it.
     *
     * @return the log start offset afterwards
     * @throws OffsetOutOfRangeException if {@code offset} is beyond the durable offset or negative
     * @throws KafkaStorageException if the partition is offline or persisting fails
     */
    public long deleteRecordsBefore(long offset) {
        checkOnline();
        long highWatermark = durableOffset();
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
                Checkpoints.writeLogStartOffset(dir, target);
            } catch (IOException e) {
                throw storageFailure("persisting the log start offset", e);
            }
            List<Deletion> removed = List.of();
            IOException failure = null;
            lock.lock();
            try {
                segments.advanceLogStart(target);
                removed = SegmentRetention.selectBelowLogStart(
                        segments.all(), durableOffset(), segments.logEndOffset(), segments.logStartOffset());
                removeSegments(removed);
            } catch (IOException e) {
                failure = e;
            } finally {
                lock.unlock();
            }
            if (failure != null) {
                throw storageFailure("deleting segments below the log start offset", failure);
            }
            logDeletions(removed);
            LOG.info("{}: log start offset moved to {} by DeleteRecords", name, segments.logStartOffset());
            return segments.logStartOffset();
        }
    }

    /**
     * Applies time, size and log-start retention now ({@link SegmentRetention}); returns how many
     * segments were deleted. Called by the log scheduler.
     */
    public int applyRetention() {
        if (offline || deleted || closed) {
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
                    config,
                    ctx.clock().milliseconds(),
                    durableOffset(),
                    segments.logEndOffset(),
                    segments.logStartOffset());
            removeSegments(removed);
        } catch (IOException e) {
            failure = e;
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            goOffline("applying retention", dir, failure);
            return 0;
        }
        logDeletions(removed);
        return removed.size();
    }

    // ---- compaction (called by the cleaner thread) ----

    /** The current segments, an immutable snapshot (the last one is the active segment). */
    NavigableMap<Long, LogSegment> segmentMap() {
        return segments.map();
    }

    LogSegment activeSegment() {
        return segments.active();
    }

    /** Whether background work (cleaning) may still touch this log. */
    boolean isUsable() {
        return !offline && !deleted && !closed;
    }

    /**
     * For every tracked producer, the last offset of its newest data batch (-1 when only a marker is
     * known) and its epoch: the cleaner keeps that batch, or the marker of that epoch.
     */
    Map<Long, CompactionFilter.ProducerTail> producerTails() {
        lock.lock();
        try {
            Map<Long, CompactionFilter.ProducerTail> out = new HashMap<>();
            producers
                    .entries()
                    .forEach((id, e) -> out.put(
                            id,
                            new CompactionFilter.ProducerTail(e.count > 0 ? e.lastOffset[e.newest()] : -1L, e.epoch)));
            return out;
        } finally {
            lock.unlock();
        }
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
        Path failedFile = dir;
        try {
            lock.lock();
            try {
                if (!isUsable() || !segments.containsAll(group)) {
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
            if (!deleted) {
                goOffline("swapping in the cleaned segment " + cleaned.logFile().getFileName(), failedFile, e);
            }
            throw e;
        }
        ctx.deleter().deleteSegmentsLater(name, group, config.fileDeleteDelayMs());
        observer.reached(SwapObserver.Step.DONE);
        return true;
    }

    /** Removes segments (rolling first if all go) and schedules their files' deletion; under the lock. */
    private void removeSegments(List<Deletion> removed) throws IOException {
        if (removed.size() == segments.count()) {
            roll(config);
        }
        List<LogSegment> files = segments.remove(removed, config);
        if (!files.isEmpty()) {
            ctx.deleter().deleteSegmentsLater(name, files, config.fileDeleteDelayMs());
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

    // ---- group commit ----

    DurabilityTracker durability() {
        return durability;
    }

    boolean canFlush() {
        return !offline && !deleted;
    }

    /**
     * Makes everything appended so far durable: snapshot the appended point, fsync, then publish
     * the durable point, complete waiters and tell the listener. One flush at a time. Takes the
     * partition lock only when a transaction marker may have become durable, never to wait for an
     * append's write.
     */
    void flush(DurableListener listener) {
        synchronized (flushLock) {
            long before = durability.durableOffset();
            if (offline || deleted) {
                return;
            }
            durability.clearDirty();
            SegmentList.FlushPlan plan = segments.planFlush(durability.point().segmentBase());
            try {
                plan.execute();
            } catch (SegmentList.FlushException e) {
                if (!deleted) {
                    goOffline("fsyncing", e.file(), e.io());
                }
                return;
            }
            plan.markFlushed();
            List<Waiter> done = durability.publish(plan.target());
            if (firstUnstableOffset < plan.target().offset()) {
                // Markers below the new durable offset may now let the last stable offset move.
                lock.lock();
                try {
                    producers.onDurable(plan.target().offset());
                    firstUnstableOffset = producers.firstUnstableOffset();
                } finally {
                    lock.unlock();
                }
            }
            completeAll(done, Errors.NONE);
            if (plan.target().offset() > before) {
                try {
                    listener.onDurableOffsetAdvanced(this, plan.target().offset());
                } catch (RuntimeException e) {
                    LOG.error("Durable-offset listener failed for {}", name, e);
                }
            }
            LogSegment active = segments.active();
            if (active.wantsFill(config.segmentBytes(), ctx.preallocateBytes())) {
                schedulePrefill(active);
            }
        }
    }

    private void schedulePrefill(LogSegment active) {
        try {
            ctx.scheduler().execute(() -> prefill(active));
        } catch (RejectedExecutionException e) {
            active.cancelFill(); // shutting down: the fill is pointless
        }
    }

    /**
     * On the log scheduler thread, asked for by a flush: zero-fills space ahead of the active
     * segment's end and fsyncs it, so later flushes overwrite allocated, durable bytes
     * ({@link SegmentPrefill}). A failed fill only stops preallocation in that segment.
     */
    private void prefill(LogSegment active) {
        boolean wrote;
        try {
            wrote = active.fillAhead(
                    config.segmentBytes(), ctx.preallocateBytes(), ctx.clock().milliseconds());
        } catch (IOException e) {
            active.stopPrefill();
            if (!deleted && !closed && !active.isDeleted()) {
                LOG.warn(
                        "{}: could not preallocate space in {} ({}); appends to this segment go on without"
                                + " preallocation, at a higher fsync cost. Check free space and the disk holding {}.",
                        name,
                        active.logFile(),
                        e.toString(),
                        dir);
            }
            return;
        }
        if (wrote) {
            try {
                active.channel().force(false);
            } catch (IOException e) {
                if (!deleted && !closed && !active.isDeleted()) {
                    goOffline("fsyncing preallocated space of", active.logFile(), e);
                }
            }
        }
    }

    private void completeAll(List<Waiter> waiters, Errors error) {
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

    // ---- failure, lifecycle ----

    private void checkOnline() {
        if (offline) {
            throw new KafkaStorageException(name + " is offline after a storage error on " + dir);
        }
    }

    private KafkaStorageException storageFailure(String action, IOException e) {
        goOffline(action, dir, e);
        return new KafkaStorageException("Storage error on " + name + " while " + action + ": " + e, e);
    }

    private void goOffline(String action, Path file, Throwable cause) {
        boolean first;
        synchronized (durability) {
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
        completeAll(durability.fail(Errors.KAFKA_STORAGE_ERROR), Errors.KAFKA_STORAGE_ERROR);
    }

    /** Drops idle producers (log scheduler). */
    int expireProducers(long expirationMs) {
        long now = ctx.clock().milliseconds();
        lock.lock();
        try {
            return producers.expire(now, expirationMs);
        } finally {
            lock.unlock();
        }
    }

    /** Producer ids currently tracked (tests and metrics). */
    int producerCount() {
        lock.lock();
        try {
            return producers.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Clean shutdown of this log: final flush, indexes trimmed and synced, producer-state snapshot
     * at the log end, channels closed. Returns whether everything reached disk (the log directory
     * may then be marked as cleanly shut down).
     */
    boolean closeForShutdown(DurableListener listener) {
        flush(listener);
        boolean clean = !offline;
        byte[] snapshot = null;
        long end = segments.logEndOffset();
        LogSegment active = segments.active();
        lock.lock();
        try {
            closed = true;
            end = segments.logEndOffset();
            if (clean) {
                active.onBecomeInactive();
                snapshot = ProducerStateSnapshot.serialize(producers, end);
            }
        } catch (IOException e) {
            LOG.warn(
                    "{}: could not trim the indexes of {} at shutdown ({}); they will be rebuilt at startup",
                    name,
                    active.logFile(),
                    e.toString());
            clean = false;
        } finally {
            lock.unlock();
        }
        if (clean) {
            try {
                active.syncIndexes();
                ProducerStateSnapshot.write(dir, end, snapshot, checkpointedRecoveryPoint);
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
        completeAll(durability.fail(Errors.KAFKA_STORAGE_ERROR), Errors.KAFKA_STORAGE_ERROR);
        segments.closeAll();
        return clean;
    }

    /**
     * Marks the log deleted (appends refused, waiters failed) and returns its segments, whose
     * channels the caller closes after file.delete.delay.ms.
     */
    List<LogSegment> markDeleted() {
        lock.lock();
        try {
            deleted = true;
            closed = true;
        } finally {
            lock.unlock();
        }
        completeAll(durability.fail(Errors.UNKNOWN_TOPIC_OR_PARTITION), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        return segments.all();
    }

    boolean isDeleted() {
        return deleted;
    }

    @Override
    public String toString() {
        return "PartitionLog(" + name + ", start=" + logStartOffset() + ", durable=" + durableOffset() + ", end="
                + logEndOffset() + ", segments=" + segments.count() + (offline ? ", OFFLINE" : "") + ")";
    }
}
