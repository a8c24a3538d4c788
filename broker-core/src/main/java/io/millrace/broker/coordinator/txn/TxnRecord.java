package io.millrace.broker.coordinator.txn;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The persisted image of one transactional id: the value of its {@code __transaction_state}
 * record ({@link TxnRecordSerde}). Immutable.
 *
 * @param transactionalId     the transactional id (the record key)
 * @param producerId          its current producer id
 * @param previousProducerId  the producer id before the last rotation (-1: none); an InitProducerId
 *                            retry of that rotation is recognised by it
 * @param producerEpoch       the current epoch (-1 before the first InitProducerId completed)
 * @param lastProducerEpoch   the epoch before the last bump (-1: none); recognises a retried bump
 * @param timeoutMs           transaction.timeout.ms the producer asked for
 * @param state               the state reached
 * @param partitions          the partitions of the open (or finishing) transaction
 * @param startTimestamp      broker time the transaction's first partition was added (-1: none)
 * @param lastUpdateTimestamp broker time of this transition (expiry counts from it)
 */
public record TxnRecord(
        String transactionalId,
        long producerId,
        long previousProducerId,
        short producerEpoch,
        short lastProducerEpoch,
        int timeoutMs,
        TxnState state,
        Set<TopicPartition> partitions,
        long startTimestamp,
        long lastUpdateTimestamp) {

    public TxnRecord {
        partitions = Set.copyOf(partitions);
    }
}
