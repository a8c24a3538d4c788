package io.millrace.broker.server.handlers;

import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Asks the transaction coordinator whether a partition belongs to a producer's open transaction
 * (KIP-890 verification, Kafka's AddPartitionsToTxn verify-only). {@code done} may run on any
 * thread.
 */
@FunctionalInterface
public interface TxnVerifier {

    /** The verifier of a broker that checks nothing (transaction.partition.verification.enable=false). */
    TxnVerifier DISABLED = null;

    void verify(String transactionalId, long producerId, short epoch, TopicPartition partition, Consumer<Errors> done);

    /**
     * What a producer is told when verification fails, as Kafka maps it: a stale epoch is
     * INVALID_PRODUCER_EPOCH, a partition outside the transaction TRANSACTION_ABORTABLE (from
     * Produce v11 on, INVALID_TXN_STATE before), and a coordinator that is busy or loading
     * NOT_ENOUGH_REPLICAS so that every client version retries.
     */
    static Errors produceError(Errors verification, short produceVersion) {
        switch (verification) {
            case PRODUCER_FENCED:
                return Errors.INVALID_PRODUCER_EPOCH;
            case TRANSACTION_ABORTABLE:
                return produceVersion >= 11 ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE;
            case CONCURRENT_TRANSACTIONS:
            case COORDINATOR_LOAD_IN_PROGRESS:
            case COORDINATOR_NOT_AVAILABLE:
            case NOT_COORDINATOR:
                return Errors.NOT_ENOUGH_REPLICAS;
            default:
                return verification;
        }
    }
}
