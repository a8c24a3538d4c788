package io.millrace.spark.source.reader;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer assigned to one partition, kept between tasks with the records it fetched past the
 * end of the last range it read. The next range that starts where the last one ended continues
 * with those records and the consumer's position, without a seek or a fetch of data already
 * fetched; any other range seeks. Not thread-safe: one task uses it at a time.
 */
final class PooledConsumer implements AutoCloseable {

    private final ConsumerPool.Key key;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deque<ConsumerRecord<byte[], byte[]>> fetched = new ArrayDeque<>();
    private long endOfLastRange = -1;

    PooledConsumer(ConsumerPool.Key key, Map<String, String> params) {
        this.key = key;
        Map<String, Object> config = Map.copyOf(params);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(key.partition()));
    }

    ConsumerPool.Key key() {
        return key;
    }

    TopicPartition partition() {
        return key.partition();
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    /** Records fetched and not yet handed out, in offset order. */
    Deque<ConsumerRecord<byte[], byte[]>> fetched() {
        return fetched;
    }

    /** Positions the consumer for a range starting at {@code from}. */
    void startRangeAt(long from) {
        if (from != endOfLastRange) {
            fetched.clear();
            consumer.seek(key.partition(), from);
        }
    }

    /** Records that every offset before {@code until} was consumed. */
    void endRangeAt(long until) {
        endOfLastRange = until;
    }

    /** Moves the consumer to {@code offset}, dropping what was fetched. */
    void seek(long offset) {
        fetched.clear();
        consumer.seek(key.partition(), offset);
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
}
