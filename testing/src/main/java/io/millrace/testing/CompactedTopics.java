package io.millrace.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A topic the broker's cleaner has compacted, for testing readers that must cross the offsets
 * compaction leaves without records. The broker needs a short {@code log.cleaner.backoff.ms}
 * (e.g. 100) for the cleaner to run within the wait. Stateless.
 */
public final class CompactedTopics {

    private CompactedTopics() {}

    /**
     * Creates a one-partition compacted topic with small segments, writes ten values of each of
     * twenty keys and then sixty fillers that close the segments holding the updates (one record
     * per batch, so the cleaner can drop single records), and waits until the cleaner kept only the
     * latest value of every key.
     *
     * @return the values left, in offset order
     */
    public static List<String> createAndCompact(String bootstrap, String topic, Duration timeout)
            throws ExecutionException, InterruptedException {
        Clients.createTopic(
                bootstrap,
                topic,
                1,
                Map.of("cleanup.policy", "compact", "segment.bytes", "1024", "min.cleanable.dirty.ratio", "0.01"));
        Map<String, String> latest = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, oneRecordPerBatch())) {
            for (int round = 0; round < 10; round++) {
                for (int key = 0; key < 20; key++) {
                    send(producer, topic, "key-" + key, "key-" + key + "=v" + round, latest);
                }
            }
            for (int filler = 0; filler < 60; filler++) {
                send(producer, topic, "filler-" + filler, "filler-" + filler, latest);
            }
        }
        List<String> compacted = new ArrayList<>(latest.values());
        TopicPartition partition = new TopicPartition(topic, 0);
        Await.until(
                "the cleaner to keep only the latest value of every key",
                timeout,
                () -> compacted.equals(Clients.readCommittedText(bootstrap, partition)));
        return compacted;
    }

    private static Map<String, Object> oneRecordPerBatch() {
        return Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.BATCH_SIZE_CONFIG, 1,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, String topic, String key, String value, Map<String, String> latest)
            throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(
                        topic, 0, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)))
                .get();
        latest.remove(key);
        latest.put(key, value);
    }
}
