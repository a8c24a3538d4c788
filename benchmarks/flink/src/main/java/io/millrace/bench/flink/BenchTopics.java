package io.millrace.bench.flink;

import io.millrace.testing.Clients;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The benchmark's topics on the broker, through plain kafka-clients: the source's input written
 * before any job runs, and a sink's output counted afterwards. Stateless.
 */
final class BenchTopics {

    private BenchTopics() {}

    /** What a {@code read_committed} reader finds in a sink's topic. */
    record Committed(long records, long distinct) {}

    /** Creates {@code topic} and writes {@link BenchRecords} 0 to {@code count - 1} into it, spread over its partitions. */
    static void produceInput(String bootstrap, String topic, int partitions, long count, int recordBytes) {
        Clients.createTopic(bootstrap, topic, partitions, Map.of());
        Map<String, Object> config = Map.of(
                ProducerConfig.ACKS_CONFIG,
                "1",
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, config)) {
            for (long i = 0; i < count; i++) {
                producer.send(
                        new ProducerRecord<>(topic, (int) (i % partitions), null, BenchRecords.value(i, recordBytes)));
            }
            producer.flush();
        }
    }

    /**
     * Reads {@code topic} with {@code read_committed} to its end and counts its records and the
     * distinct {@link BenchRecords} indexes among them.
     */
    static Committed readCommitted(String bootstrap, String topic, int partitions) {
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(topic, p));
        }
        AtomicLong records = new AtomicLong();
        BitSet seen = new BitSet();
        Clients.readToEnd(
                bootstrap, assigned, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), record -> {
                    records.incrementAndGet();
                    seen.set(Math.toIntExact(BenchRecords.index(record.value())));
                });
        return new Committed(records.get(), seen.cardinality());
    }
}
