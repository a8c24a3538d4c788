package io.millrace.spark.sink;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Sends one task's rows through a producer and fails the task with the first send that failed, as
 * spark-sql-kafka-0-10's writer does. Sends are asynchronous: only {@link #flush()} makes sure the
 * rows are in the broker. One task's thread sends; the producer's thread reports.
 */
final class RecordSender {

    private final Producer<byte[], byte[]> producer;
    private final RecordColumns columns;
    private final Callback callback = (metadata, e) -> reportFailure(e);
    private volatile Exception failure;

    RecordSender(Producer<byte[], byte[]> producer, RecordColumns columns) {
        this.producer = producer;
        this.columns = columns;
    }

    void send(InternalRow row) {
        checkForFailure();
        producer.send(columns.record(row), callback);
    }

    /** Waits until every row sent is acknowledged or failed; fails if one failed. */
    void flush() {
        checkForFailure();
        producer.flush();
        checkForFailure();
    }

    private synchronized void reportFailure(Exception e) {
        if (e != null && failure == null) {
            failure = e;
        }
    }

    private void checkForFailure() {
        Exception e = failure;
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e != null) {
            throw new IllegalStateException("Writing a record failed", e);
        }
    }
}
