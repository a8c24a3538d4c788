package io.millrace.spark.sink;

import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * An at-least-once write task: its rows through an idempotent producer of its own, flushed when the
 * task commits; a retried task writes its rows again. Used by one task's thread.
 */
final class PlainDataWriter implements DataWriter<InternalRow> {

    private final SinkOptions options;
    private final RecordColumns columns;
    private KafkaProducer<byte[], byte[]> producer;
    private RecordSender sender;

    PlainDataWriter(SinkOptions options, RecordColumns columns) {
        this.options = options;
        this.columns = columns;
    }

    @Override
    public void write(InternalRow row) {
        if (sender == null) {
            producer = new KafkaProducer<>(options.plainProducer());
            sender = new RecordSender(producer, columns);
        }
        sender.send(row);
    }

    @Override
    public WriterCommitMessage commit() {
        if (sender != null) {
            sender.flush();
        }
        return TaskTransaction.NONE;
    }

    @Override
    public void abort() {
        if (producer != null) {
            // what was not sent yet is dropped: the task fails, and its retry writes every row again
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }
}
