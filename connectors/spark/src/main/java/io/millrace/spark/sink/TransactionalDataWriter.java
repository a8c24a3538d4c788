package io.millrace.spark.sink;

import io.millrace.connector.transactions.TransactionResumer;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exactly-once write task: its rows in one transaction of the task's transactional id, opened at
 * the first row ({@code initTransactions} aborts whatever an earlier attempt of the id left open),
 * flushed when the task commits and left open: the commit message names it, and the driver commits
 * it with the batch. A task without rows opens no transaction. Used by one task's thread.
 */
final class TransactionalDataWriter implements DataWriter<InternalRow> {

    private static final Logger log = LoggerFactory.getLogger(TransactionalDataWriter.class);

    private final SinkOptions options;
    private final RecordColumns columns;
    private final String transactionalId;
    private KafkaProducer<byte[], byte[]> producer;
    private RecordSender sender;

    TransactionalDataWriter(SinkOptions options, RecordColumns columns, String transactionalId) {
        this.options = options;
        this.columns = columns;
        this.transactionalId = transactionalId;
    }

    @Override
    public void write(InternalRow row) {
        if (sender == null) {
            producer = new KafkaProducer<>(options.transactionalProducer(transactionalId));
            producer.initTransactions();
            producer.beginTransaction();
            sender = new RecordSender(producer, columns);
        }
        sender.send(row);
    }

    @Override
    public WriterCommitMessage commit() {
        if (sender == null) {
            return TaskTransaction.NONE;
        }
        sender.flush();
        TaskTransaction transaction = TaskTransaction.of(transactionalId, TransactionResumer.session(producer));
        // closed at once: a graceful close would abort the transaction the driver is to commit
        producer.close(Duration.ZERO);
        producer = null;
        return transaction;
    }

    @Override
    public void abort() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            // the next initTransactions of the id, or the driver at the query's next start, aborts it
            log.warn("Could not abort the transaction of {}: {}", transactionalId, e.toString());
        } finally {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }
}
