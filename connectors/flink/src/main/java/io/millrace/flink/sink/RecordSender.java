package io.millrace.flink.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Turns elements into records and hands them to a producer, for either kind of writer, and keeps
 * the writer's metrics: {@code numRecordsOut} (records sent, as Flink's sinks count them),
 * {@code numBytesOut} (bytes of the records' keys, values and headers) and
 * {@code numRecordsOutErrors} (records the broker did not take).
 *
 * <p>Thread-safety: {@link #serialize}, {@link #send} and {@link #checkErrors} run on the writer's
 * task thread, which alone touches the metric counters. Send callbacks run on producers' I/O threads
 * and only record the failure (atomically) and ask the task thread, through its mailbox, to check
 * for errors, so a failed send fails the job even when no further element arrives.
 *
 * @param <IN> the type of the sink's elements
 */
final class RecordSender<IN> {

    private final MillraceRecordSerializationSchema<IN> schema;
    private final WriterSinkContext sinkContext;
    private final MailboxExecutor mailbox;
    private final Counter recordsOut;
    private final Counter bytesOut;
    private final Counter sendErrors;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final AtomicLong failedSends = new AtomicLong();
    private final Callback callback = this::onCompletion;

    RecordSender(
            MillraceRecordSerializationSchema<IN> schema,
            WriterSinkContext sinkContext,
            SinkWriterMetricGroup metrics,
            MailboxExecutor mailbox) {
        this.schema = schema;
        this.sinkContext = sinkContext;
        this.mailbox = mailbox;
        this.recordsOut = metrics.getIOMetricGroup().getNumRecordsOutCounter();
        this.bytesOut = metrics.getIOMetricGroup().getNumBytesOutCounter();
        this.sendErrors = metrics.getNumRecordsOutErrorsCounter();
    }

    /** The record for {@code element}, or {@code null} if the schema writes none. */
    @Nullable
    ProducerRecord<byte[], byte[]> serialize(IN element, @Nullable Long timestamp) {
        return schema.serialize(element, sinkContext, timestamp);
    }

    /** Sends {@code record} with {@code producer}; a failure surfaces in {@link #checkErrors}. */
    @SuppressWarnings("FutureReturnValueIgnored") // the callback reports the outcome
    void send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        producer.send(record, callback);
        recordsOut.inc();
        bytesOut.inc(size(record));
    }

    /**
     * Counts failed sends into {@code numRecordsOutErrors} and throws the first failure.
     *
     * @throws IOException if a send failed
     */
    void checkErrors() throws IOException {
        long failed = failedSends.getAndSet(0);
        if (failed > 0) {
            sendErrors.inc(failed);
        }
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IOException("Writing to the broker failed", failure);
        }
    }

    private void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            return;
        }
        failedSends.incrementAndGet();
        if (firstFailure.compareAndSet(null, exception)) {
            try {
                mailbox.execute(this::checkErrors, "check the sink's failed sends");
            } catch (RejectedExecutionException closing) {
                // the task is shutting down; nothing is left to fail
            }
        }
    }

    private static long size(ProducerRecord<byte[], byte[]> record) {
        long size = length(record.key()) + length(record.value());
        for (Header header : record.headers()) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value());
        }
        return size;
    }

    private static long length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
