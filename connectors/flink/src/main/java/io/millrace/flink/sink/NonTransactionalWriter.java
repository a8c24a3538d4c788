package io.millrace.flink.sink;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The writer for {@link DeliveryGuarantee#AT_LEAST_ONCE} and {@link DeliveryGuarantee#NONE}: one
 * producer, no transactions. At least once, every checkpoint waits until the broker acknowledged
 * all records sent before its barrier, so a restore never skips one; with NONE a checkpoint does
 * not wait, and records still buffered when the job fails are lost. Both flush at the end of
 * bounded input.
 *
 * <p>Not thread-safe: Flink calls it from the task thread.
 *
 * @param <IN> the type of the sink's elements
 */
final class NonTransactionalWriter<IN> implements MillraceSinkWriter<IN> {

    private final DeliveryGuarantee guarantee;
    private final RecordSender<IN> sender;
    private final AutoCloseable sinkContext;
    private final KafkaProducer<byte[], byte[]> producer;

    NonTransactionalWriter(
            DeliveryGuarantee guarantee,
            RecordSender<IN> sender,
            AutoCloseable sinkContext,
            KafkaProducer<byte[], byte[]> producer) {
        this.guarantee = guarantee;
        this.sender = sender;
        this.sinkContext = sinkContext;
        this.producer = producer;
    }

    @Override
    public void write(IN element, Context context) throws IOException {
        sender.checkErrors();
        ProducerRecord<byte[], byte[]> record = sender.serialize(element, context.timestamp());
        if (record != null) {
            sender.send(producer, record);
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (endOfInput || guarantee == DeliveryGuarantee.AT_LEAST_ONCE) {
            producer.flush();
        }
        sender.checkErrors();
    }

    @Override
    public List<MillraceCommittable> prepareCommit() {
        return List.of();
    }

    @Override
    public List<MillraceWriterState> snapshotState(long checkpointId) {
        return List.of();
    }

    @Override
    public void close() throws Exception {
        try {
            // what a checkpoint or the end of input did not flush is given up: the job stops
            producer.close(Duration.ZERO);
        } finally {
            sinkContext.close();
        }
    }
}
