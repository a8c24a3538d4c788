package io.millrace.spark.sink;

import io.millrace.connector.transactions.TransactionResumer.ProducerSession;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What a write task tells the driver when it commits: the transaction it left open for the driver
 * to commit, by transactional id, producer id and epoch; all null/-1 when it wrote no row (or wrote
 * nothing at all, in at-least-once mode). Also an entry of the sink's commit log (JSON). Immutable.
 */
record TaskTransaction(String transactionalId, long producerId, short epoch) implements WriterCommitMessage {

    static final TaskTransaction NONE = new TaskTransaction(null, -1, (short) -1);

    static TaskTransaction of(String transactionalId, ProducerSession session) {
        return new TaskTransaction(transactionalId, session.producerId(), session.epoch());
    }

    boolean isOpen() {
        return transactionalId != null;
    }

    ProducerSession session() {
        return new ProducerSession(producerId, epoch);
    }
}
