package io.millrace.broker.coordinator.txn;

import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;

/**
 * The partitions of {@code __transaction_state} as the transaction coordinator uses them: append a
 * transactional id's new state (or tombstone), learn when it is durable, and read everything back
 * at startup. Production: {@link PartitionTxnStateLog} over the broker's own partitions; unit tests
 * use an in-memory log.
 */
public interface TxnStateLog {

    int partitionCount();

    /**
     * Appends the state of {@code transactionalId} to {@code partition} (a null record is a
     * tombstone). {@code done} runs on the coordinator thread with NONE once the record is fsynced,
     * or with the reason it never will be.
     */
    void append(int partition, String transactionalId, TxnRecord record, Consumer<Errors> done);

    /**
     * Reads every durable record of the partition from its start, in order; a tombstone reaches
     * {@code sink} with a null record. Blocking disk work: called from the loader thread, never
     * from the coordinator thread.
     *
     * @throws IOException when the partition cannot be read
     */
    void replay(int partition, BiConsumer<String, TxnRecord> sink) throws IOException;
}
