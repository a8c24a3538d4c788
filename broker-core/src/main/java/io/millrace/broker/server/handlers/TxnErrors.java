package io.millrace.broker.server.handlers;

import org.apache.kafka.common.protocol.Errors;

/** How transaction errors reach clients of the older versions of the transactional APIs. Stateless. */
final class TxnErrors {

    private TxnErrors() {}

    /**
     * The error a client of AddPartitionsToTxn, AddOffsetsToTxn, EndTxn or TxnOffsetCommit at
     * {@code version} is told: before v2 a fenced producer is INVALID_PRODUCER_EPOCH, the error
     * those clients know.
     */
    static Errors forVersion(Errors error, short version) {
        return version < 2 && error == Errors.PRODUCER_FENCED ? Errors.INVALID_PRODUCER_EPOCH : error;
    }
}
