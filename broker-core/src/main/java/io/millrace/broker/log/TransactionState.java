package io.millrace.broker.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer and transaction state of one partition's log: the {@link ProducerStateTable}
 * (idempotence, open transactions, verification guards), the first unstable offset published from
 * it, from which the last stable offset follows, and the aborted transactions that abort markers
 * add to the segments' {@link TxnIndex}.
 *
 * <p>Files: the producer-state snapshots ({@code <offset>.snapshot}, {@link ProducerStateSnapshot})
 * written when a segment rolls and at clean shutdown; the aborted-transaction index
 * ({@code .txnindex}) of the segment each abort marker is written to.
 *
 * <p>Thread-safety: the table is guarded by the partition lock. The write path
 * ({@link LogAppender}) calls {@link #check}, {@link #record} and {@link #snapshot} while holding
 * it; every other method that reads or changes the table takes the lock itself. The first
 * unstable offset is written under the lock and published through a volatile field, so
 * {@link #lastStableOffset} and the flusher's check in {@link #onDurable} read it without the
 * lock. Snapshot files are written on the log scheduler thread or by the closing thread, never
 * under the lock.
 */
final class TransactionState {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionState.class);

    /**
     * What the producer and transaction state needs to know of a batch being appended.
     *
     * @param marker the transaction marker of a control batch; null for a data batch
     */
    record ProducerBatch(
            long producerId, short epoch, int firstSeq, int lastSeq, boolean transactional, TxnMarker marker) {

        /** A data batch of a producer (not a marker), subject to the idempotence and transaction rules. */
        boolean isData() {
            return producerId >= 0 && marker == null;
        }
    }

    private final PartitionContext partition;
    private final ProducerStateTable producers;
    /** The producers' first unstable offset ({@link ProducerStateTable#firstUnstableOffset()}), published. */
    private volatile long firstUnstableOffset;
    /** The recovery point last written to the checkpoint file (-1: unknown); snapshots at or below it may go. */
    private volatile long checkpointedRecoveryPoint;

    TransactionState(PartitionContext partition, ProducerStateTable producers, long checkpointedRecoveryPoint) {
        this.partition = partition;
        this.producers = producers;
        this.firstUnstableOffset = producers.firstUnstableOffset();
        this.checkpointedRecoveryPoint = checkpointedRecoveryPoint;
    }

    // ---- the write path: the caller holds the partition lock ----

    /**
     * Checks a batch against the producer's state: a marker for its epochs, a client's data batch
     * for its sequence and transaction, a coordinator's data batch for its epoch and transaction
     * (see {@link ProducerStateTable}). Returns null when the batch may be appended, else the
     * result to answer with (a failure, or a duplicate's original offsets).
     */
    AppendResult check(
            ProducerBatch batch,
            AppendOrigin origin,
            VerificationGuard guard,
            long logStartOffset,
            boolean logAppendTime) {
        if (batch.marker() != null) {
            return producers.checkMarker(
                    batch.producerId(),
                    batch.epoch(),
                    batch.marker().coordinatorEpoch(),
                    partition.name(),
                    logStartOffset);
        }
        if (batch.isData() && origin == AppendOrigin.CLIENT) {
            return producers.check(
                    batch.producerId(),
                    batch.epoch(),
                    batch.firstSeq(),
                    batch.lastSeq(),
                    batch.transactional(),
                    guard,
                    partition.name(),
                    logStartOffset,
                    logAppendTime);
        }
        if (batch.isData()) {
            return producers.checkCoordinatorWrite(
                    batch.producerId(), batch.epoch(), batch.transactional(), guard, partition.name(), logStartOffset);
        }
        return null;
    }

    /**
     * Records a batch just written to {@code segment} at offsets {@code [base, last]}: a marker
     * closes the producer's transaction (an abort adds it to the segment's aborted-transaction
     * index), a data batch updates the producer. Republishes the first unstable offset.
     *
     * @throws IOException when the aborted-transaction index cannot be written
     */
    void record(LogSegment segment, ProducerBatch batch, long base, long last, long maxTimestamp, long now)
            throws IOException {
        if (batch.marker() != null) {
            AbortedTxn aborted = producers.completeTxn(
                    batch.producerId(),
                    batch.epoch(),
                    batch.marker().coordinatorEpoch(),
                    batch.marker().commit(),
                    base,
                    maxTimestamp,
                    now);
            if (aborted != null && segment.txnIndex().append(aborted)) {
                partition.segments().markDirectoryChanged();
            }
            firstUnstableOffset = producers.firstUnstableOffset();
        } else if (batch.isData()) {
            producers.update(
                    batch.producerId(),
                    batch.epoch(),
                    batch.firstSeq(),
                    batch.lastSeq(),
                    base,
                    last,
                    maxTimestamp,
                    now,
                    batch.transactional());
            firstUnstableOffset = producers.firstUnstableOffset();
        }
    }

    /** The table serialized as a snapshot at {@code offset} (the log end); the caller holds the partition lock. */
    byte[] snapshot(long offset) {
        return ProducerStateSnapshot.serialize(producers, offset);
    }

    /** Writes a snapshot taken at a roll on the log scheduler thread; a failure only costs replay at restart. */
    void writeSnapshotLater(long offset, byte[] snapshot) {
        try {
            partition.ctx().scheduler().execute(() -> {
                if (partition.log().isDeleted()) {
                    return;
                }
                try {
                    writeSnapshot(offset, snapshot);
                } catch (IOException e) {
                    LOG.warn(
                            "{}: could not write producer-state snapshot at offset {} in {} ({}); a restart will"
                                    + " replay more of the log to rebuild producer state",
                            partition.name(),
                            offset,
                            partition.dir(),
                            e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // Shutting down: the shutdown snapshot supersedes this one.
        }
    }

    /** Writes a snapshot file now (fsynced), removing snapshots the checkpointed recovery point made redundant. */
    void writeSnapshot(long offset, byte[] snapshot) throws IOException {
        ProducerStateSnapshot.write(partition.dir(), offset, snapshot, checkpointedRecoveryPoint);
    }

    /** The checkpoint file now records {@code recoveryPoint} for this log (older snapshots may go). */
    void recoveryPointCheckpointed(long recoveryPoint) {
        checkpointedRecoveryPoint = recoveryPoint;
    }

    // ---- read without the lock ----

    /**
     * The last stable offset given the high watermark and the log start offset: the first unstable
     * offset, at most the high watermark, at least the log start.
     */
    long lastStableOffset(long highWatermark, long logStartOffset) {
        return Math.max(logStartOffset, Math.min(firstUnstableOffset, highWatermark));
    }

    // ---- take the partition lock ----

    /**
     * The flusher made everything below {@code durableOffset} durable: markers below it may now
     * let the last stable offset move. Takes the lock only when an unstable transaction lies below.
     */
    void onDurable(long durableOffset) {
        if (firstUnstableOffset < durableOffset) {
            partition.lock().lock();
            try {
                producers.onDurable(durableOffset);
                firstUnstableOffset = producers.firstUnstableOffset();
            } finally {
                partition.lock().unlock();
            }
        }
    }

    /** See {@link PartitionLog#startTxnVerification}. */
    VerificationGuard startVerification(long producerId) {
        return locked(() -> producers.startVerification(producerId));
    }

    /** The producers tracked, as DescribeProducers reports them. */
    List<ProducerView> activeProducers() {
        return locked(() -> {
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
        });
    }

    /** See {@link PartitionLog#producerTails}. */
    Map<Long, CompactionFilter.ProducerTail> producerTails() {
        return locked(() -> {
            Map<Long, CompactionFilter.ProducerTail> out = new HashMap<>();
            producers
                    .entries()
                    .forEach((id, e) -> out.put(
                            id,
                            new CompactionFilter.ProducerTail(e.count > 0 ? e.lastOffset[e.newest()] : -1L, e.epoch)));
            return out;
        });
    }

    /** Drops producers idle for {@code expirationMs} (none with an open transaction); returns how many. */
    int expire(long nowMs, long expirationMs) {
        return locked(() -> producers.expire(nowMs, expirationMs));
    }

    /** Producer ids currently tracked. */
    int producerCount() {
        return locked(producers::size);
    }

    private <T> T locked(Supplier<T> work) {
        partition.lock().lock();
        try {
            return work.get();
        } finally {
            partition.lock().unlock();
        }
    }
}
