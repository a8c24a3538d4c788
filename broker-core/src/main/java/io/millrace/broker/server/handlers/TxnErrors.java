package io.millrace.broker.server.handlers;

import io.millrace.broker.server.Responder;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * How the transactional APIs (AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit)
 * answer errors that do not depend on the transaction's state: a fenced producer at the older
 * versions, and a request missing an id it must name. Stateless.
 */
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

    /**
     * Answers a request that names no transactional id (null or empty) with INVALID_REQUEST in the
     * API's own error response, as Kafka does; returns whether it answered.
     */
    static boolean refusedWithoutTransactionalId(String transactionalId, AbstractRequest request, Responder responder) {
        return refusedIfEmpty(transactionalId, Errors.INVALID_REQUEST, request, responder);
    }

    /**
     * Answers a request (AddOffsetsToTxn, TxnOffsetCommit) that names no group id (null or empty)
     * with INVALID_GROUP_ID in the API's own error response, as Kafka does; returns whether it
     * answered.
     */
    static boolean refusedWithoutGroupId(String groupId, AbstractRequest request, Responder responder) {
        return refusedIfEmpty(groupId, Errors.INVALID_GROUP_ID, request, responder);
    }

    private static boolean refusedIfEmpty(String id, Errors error, AbstractRequest request, Responder responder) {
        if (id != null && !id.isEmpty()) {
            return false;
        }
        responder.respond(request.getErrorResponse(0, error.exception()).data());
        return true;
    }
}
