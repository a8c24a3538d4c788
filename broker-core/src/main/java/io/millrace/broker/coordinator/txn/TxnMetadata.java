package io.millrace.broker.coordinator.txn;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The live state of one transactional id, and the transitions that may follow it (Kafka's
 * TransactionMetadata). A transition is prepared as the {@link TxnRecord} to persist; it takes
 * effect ({@link #apply}) only once that record is durable in {@code __transaction_state}, and
 * while it is being written {@link #pending()} names the target state, which blocks every other
 * transition (CONCURRENT_TRANSACTIONS).
 *
 * <p>Epochs: InitProducerId bumps the epoch (a retry of a bump that already happened gets the same
 * epoch back, recognised by {@code lastProducerEpoch}); at epoch {@value #MAX_USABLE_EPOCH} the
 * producer id rotates to a new one at epoch 0. Fencing an open transaction (InitProducerId from a
 * new instance, or the transaction timeout) writes PrepareAbort with the epoch bumped, so the
 * abort markers fence the old instance's writes on every partition.
 *
 * <p>Not thread-safe: owned by the coordinator thread.
 */
final class TxnMetadata {

    /** Epochs at or above this are exhausted: the next InitProducerId rotates the producer id. */
    static final short MAX_USABLE_EPOCH = Short.MAX_VALUE - 1;

    static final short NO_EPOCH = -1;
    static final long NO_PRODUCER_ID = -1L;

    final String transactionalId;
    long producerId;
    long previousProducerId;
    short producerEpoch;
    short lastProducerEpoch;
    int timeoutMs;
    TxnState state;
    Set<TopicPartition> partitions;
    long startTimestamp;
    long lastUpdateTimestamp;
    private TxnState pending;

    /** A transactional id seen for the first time: no epoch yet. */
    TxnMetadata(String transactionalId, long producerId, int timeoutMs, long nowMs) {
        this.transactionalId = transactionalId;
        this.producerId = producerId;
        this.previousProducerId = NO_PRODUCER_ID;
        this.producerEpoch = NO_EPOCH;
        this.lastProducerEpoch = NO_EPOCH;
        this.timeoutMs = timeoutMs;
        this.state = TxnState.EMPTY;
        this.partitions = new HashSet<>();
        this.startTimestamp = -1L;
        this.lastUpdateTimestamp = nowMs;
    }

    /** State loaded from {@code __transaction_state}. */
    TxnMetadata(TxnRecord r) {
        this.transactionalId = r.transactionalId();
        this.partitions = new HashSet<>();
        apply(r);
    }

    TxnState pending() {
        return pending;
    }

    void setPending(TxnState state) {
        this.pending = state;
    }

    /** Takes a durable transition into effect. */
    void apply(TxnRecord r) {
        producerId = r.producerId();
        previousProducerId = r.previousProducerId();
        producerEpoch = r.producerEpoch();
        lastProducerEpoch = r.lastProducerEpoch();
        timeoutMs = r.timeoutMs();
        state = r.state();
        partitions = new HashSet<>(r.partitions());
        startTimestamp = r.startTimestamp();
        lastUpdateTimestamp = r.lastUpdateTimestamp();
        pending = null;
    }

    TxnRecord snapshot() {
        return new TxnRecord(
                transactionalId,
                producerId,
                previousProducerId,
                producerEpoch,
                lastProducerEpoch,
                timeoutMs,
                state,
                partitions,
                startTimestamp,
                lastUpdateTimestamp);
    }

    private TxnRecord with(
            long pid,
            long previousPid,
            short epoch,
            short lastEpoch,
            int timeout,
            TxnState next,
            Set<TopicPartition> parts,
            long start,
            long now) {
        return new TxnRecord(transactionalId, pid, previousPid, epoch, lastEpoch, timeout, next, parts, start, now);
    }

    /** A transition that keeps the producer id, epochs and timeout. */
    private TxnRecord transition(TxnState next, Set<TopicPartition> parts, long start, long now) {
        return with(
                producerId, previousProducerId, producerEpoch, lastProducerEpoch, timeoutMs, next, parts, start, now);
    }

    boolean isEpochExhausted() {
        return isExhausted(producerEpoch);
    }

    static boolean isExhausted(short epoch) {
        return epoch >= MAX_USABLE_EPOCH;
    }

    /**
     * InitProducerId on an idle transactional id: the next epoch (or, for a retry of the last bump,
     * the same one again).
     *
     * @param expectedEpoch the epoch the producer says it has (v3+), or null
     * @throws ProducerFencedException when the producer's epoch is neither the current nor the last one
     */
    TxnRecord prepareIncrementEpoch(int newTimeoutMs, Short expectedEpoch, long now) {
        short epoch;
        short last;
        if (expectedEpoch == null) {
            epoch = (short) (producerEpoch + 1);
            last = NO_EPOCH;
        } else if (producerEpoch == NO_EPOCH || expectedEpoch == producerEpoch) {
            epoch = (short) (producerEpoch + 1);
            last = producerEpoch;
        } else if (expectedEpoch == lastProducerEpoch) {
            epoch = producerEpoch;
            last = lastProducerEpoch;
        } else {
            throw new ProducerFencedException("Producer of transactional id '" + transactionalId + "' has epoch "
                    + expectedEpoch + " but the current epoch is " + producerEpoch);
        }
        return with(producerId, previousProducerId, epoch, last, newTimeoutMs, TxnState.EMPTY, Set.of(), -1L, now);
    }

    /** InitProducerId when the epoch is exhausted: a new producer id at epoch 0. */
    TxnRecord prepareProducerIdRotation(long newProducerId, int newTimeoutMs, long now, boolean recordLastEpoch) {
        return with(
                newProducerId,
                producerId,
                (short) 0,
                recordLastEpoch ? producerEpoch : NO_EPOCH,
                newTimeoutMs,
                TxnState.EMPTY,
                Set.of(),
                -1L,
                now);
    }

    /** AddPartitionsToTxn: the transaction is Ongoing with these partitions too. */
    TxnRecord prepareAddPartitions(Set<TopicPartition> added, long now) {
        Set<TopicPartition> all = new HashSet<>(partitions);
        all.addAll(added);
        long start = state.isIdle() ? now : startTimestamp;
        return transition(TxnState.ONGOING, all, start, now);
    }

    /** EndTxn: the outcome is decided. */
    TxnRecord prepareAbortOrCommit(TxnState next, long now) {
        return transition(next, partitions, startTimestamp, now);
    }

    /**
     * Fencing an open transaction: PrepareAbort with the epoch bumped (unless it cannot grow), so the
     * abort markers fence writes of the current instance.
     */
    TxnRecord prepareFenceAndAbort(long now) {
        short bumped = producerEpoch == Short.MAX_VALUE ? producerEpoch : (short) (producerEpoch + 1);
        return with(
                producerId,
                previousProducerId,
                bumped,
                NO_EPOCH,
                timeoutMs,
                TxnState.PREPARE_ABORT,
                partitions,
                startTimestamp,
                now);
    }

    /** Every marker is written: the transaction is complete and its partitions are forgotten. */
    TxnRecord prepareComplete(long now) {
        TxnState next = state == TxnState.PREPARE_COMMIT ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
        return transition(next, Set.of(), startTimestamp, now);
    }

    /** Expiry of an idle transactional id (written as a tombstone). */
    TxnRecord prepareDead() {
        return transition(TxnState.DEAD, Set.of(), startTimestamp, lastUpdateTimestamp);
    }

    @Override
    public String toString() {
        return "transactional id '" + transactionalId + "' (producer " + producerId + ", epoch " + producerEpoch + ", "
                + state.displayName() + (pending != null ? " -> " + pending.displayName() : "") + ")";
    }
}
