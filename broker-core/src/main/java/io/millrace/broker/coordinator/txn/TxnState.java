package io.millrace.broker.coordinator.txn;

import java.util.Optional;

/**
 * The states of a transactional id, with the names Kafka's tools show and filter by
 * (DescribeTransactions, ListTransactions). The id is the byte stored in {@code __transaction_state}
 * ({@link TxnRecordSerde}).
 *
 * <pre>
 * Empty / CompleteCommit / CompleteAbort --AddPartitionsToTxn--> Ongoing
 * Ongoing --EndTxn(commit)--> PrepareCommit --markers written--> CompleteCommit
 * Ongoing --EndTxn(abort), timeout, InitProducerId--> PrepareAbort --markers written--> CompleteAbort
 * Ongoing --InitProducerId or timeout--> PrepareEpochFence (in memory only) --> PrepareAbort
 * Empty / CompleteCommit / CompleteAbort --transactional.id.expiration.ms--> Dead (tombstone)
 * </pre>
 */
public enum TxnState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final byte id;
    private final String displayName;

    TxnState(int id, String displayName) {
        this.id = (byte) id;
        this.displayName = displayName;
    }

    public byte id() {
        return id;
    }

    /** Kafka's name of the state ("Ongoing", "PrepareCommit", ...). */
    public String displayName() {
        return displayName;
    }

    public static Optional<TxnState> byId(byte id) {
        for (TxnState s : values()) {
            if (s.id == id) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static Optional<TxnState> byName(String name) {
        for (TxnState s : values()) {
            if (s.displayName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Whether a new transaction may start (no transaction open or finishing). */
    boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** Whether the outcome is decided and markers are being written. */
    boolean isPreparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }
}
