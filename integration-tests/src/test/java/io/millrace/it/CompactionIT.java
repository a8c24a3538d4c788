package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Log compaction end to end: a topic with {@code cleanup.policy=compact} ends up holding exactly the
 * latest value of every live key, tombstoned keys disappear after {@code delete.retention.ms}, and a
 * consumer reading the partition over and over while the cleaner works always sees a consistent
 * log. The broker checks for cleaning work every 100 ms and the topic uses 2 KiB segments, so the
 * cleaner runs many passes within seconds.
 */
class CompactionIT {

    private static final String TOPIC = "compacted-state";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int LIVE_KEYS = 20;
    private static final int DELETED_KEYS = 5;
    private static final int UPDATES_PER_KEY = 30;
    /** Distinct keys written last: they fill the active segment, so every update lies in cleanable segments. */
    private static final int FILLERS = 80;

    private static final Duration DEADLINE = Duration.ofSeconds(45);

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().override("log.cleaner.backoff.ms", "100").build();

    @Test
    void keepsTheLatestValuePerKeyAndDropsTombstonesWhileReadersSeeAConsistentLog() throws Exception {
        Clients.createTopic(
                broker.bootstrap(),
                TOPIC,
                1,
                Map.of(
                        "cleanup.policy",
                        "compact",
                        "segment.bytes",
                        "2048",
                        "delete.retention.ms",
                        "3000",
                        "min.cleanable.dirty.ratio",
                        "0.01"));
        Written written = new Written();
        List<String> problems = new ArrayList<>();
        List<Integer> passSizes = new ArrayList<>();
        AtomicReference<Map<String, String>> lastPass = new AtomicReference<>(Map.of());
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader =
                new Thread(() -> readRepeatedly(stop, written, problems, passSizes, lastPass), "compaction-reader");
        reader.start();
        try {
            produce(written);
            Map<String, String> expected = written.liveState();
            assertThat(expected).hasSize(LIVE_KEYS + FILLERS);

            // Compaction shows as a pass reading exactly the live keys: every older value and, after
            // delete.retention.ms, every tombstone gone.
            Await.until(
                    "a read pass to see only the latest value of every live key",
                    DEADLINE,
                    () -> expected.equals(lastPass.get()));
        } finally {
            stop.set(true);
            reader.join();
        }

        synchronized (problems) {
            assertThat(problems)
                    .as("inconsistencies seen by the reader during compaction")
                    .isEmpty();
        }
        synchronized (passSizes) {
            assertThat(passSizes.get(passSizes.size() - 1)).isEqualTo(LIVE_KEYS + FILLERS);
            assertThat(passSizes)
                    .as("records per read pass: compaction happened while reading")
                    .anyMatch(n -> n > LIVE_KEYS + FILLERS);
        }
        assertThat(broker.log()).contains(TOPIC + "-0: compacted offsets below");
    }

    /**
     * Writes every key's updates round by round, then the tombstones, then the fillers: one record
     * per batch (many small segments), one request in flight (the log holds them in sending order),
     * acks=1 so the test does not wait for an fsync per record.
     */
    private static void produce(Written written) {
        Map<String, Object> config = Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.BATCH_SIZE_CONFIG,
                1,
                ProducerConfig.ACKS_CONFIG,
                "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(), config)) {
            for (int seq = 0; seq < UPDATES_PER_KEY; seq++) {
                for (int k = 0; k < LIVE_KEYS + DELETED_KEYS; k++) {
                    send(producer, written, "key-" + k, seq, failure);
                }
            }
            for (int k = LIVE_KEYS; k < LIVE_KEYS + DELETED_KEYS; k++) {
                send(producer, written, "key-" + k, Written.TOMBSTONE, failure);
            }
            for (int i = 0; i < FILLERS; i++) {
                send(producer, written, "filler-" + i, 0, failure);
            }
            producer.flush();
        }
        assertThat(failure.get()).as("produce failure").isNull();
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            Written written,
            String key,
            int seq,
            AtomicReference<Exception> failure) {
        written.record(key, seq);
        byte[] value = seq == Written.TOMBSTONE ? null : value(key, seq).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(TOPIC, 0, key.getBytes(StandardCharsets.UTF_8), value), (m, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    private static String value(String key, int seq) {
        return key + "#" + seq + "#" + "x".repeat(40);
    }

    /**
     * Reads the partition from its beginning to its end offset again and again until stopped,
     * checking each pass ({@link Written#problem}) and publishing the state the pass read when it
     * held exactly one record per key.
     */
    private static void readRepeatedly(
            AtomicBoolean stop,
            Written written,
            List<String> problems,
            List<Integer> passSizes,
            AtomicReference<Map<String, String>> lastPass) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(
                broker.bootstrap(),
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50))) {
            consumer.assign(List.of(TP));
            while (!stop.get()) {
                consumer.seekToBeginning(List.of(TP));
                long end = consumer.endOffsets(List.of(TP)).get(TP);
                Map<String, String> state = new HashMap<>();
                Map<String, Integer> order = new HashMap<>();
                long previous = -1;
                int records = 0;
                String problem = null;
                while (consumer.position(TP) < end && !stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        records++;
                        String key = new String(r.key(), StandardCharsets.UTF_8);
                        String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
                        if (problem == null) {
                            problem = r.offset() <= previous
                                    ? "offset " + r.offset() + " read after " + previous
                                    : written.problem(r.offset(), key, value, order);
                        }
                        previous = r.offset();
                        state.put(key, value);
                    }
                }
                if (stop.get()) {
                    break;
                }
                if (problem != null) {
                    synchronized (problems) {
                        problems.add(problem);
                    }
                }
                synchronized (passSizes) {
                    passSizes.add(records);
                }
                lastPass.set(records == state.size() ? state : Map.of());
            }
        } catch (RuntimeException e) {
            synchronized (problems) {
                problems.add("reader failed: " + e);
            }
        }
    }

    /** What the producer has written so far (published before each send), shared with the reader. */
    private static final class Written {
        static final int TOMBSTONE = Integer.MAX_VALUE;

        private final Map<String, Integer> last = new HashMap<>();
        private final Map<String, Integer> highestValue = new HashMap<>();

        synchronized void record(String key, int seq) {
            last.put(key, seq);
            if (seq != TOMBSTONE) {
                highestValue.merge(key, seq, Math::max);
            }
        }

        /** The latest value of every key whose last write was not a tombstone. */
        synchronized Map<String, String> liveState() {
            Map<String, String> out = new HashMap<>();
            last.forEach((key, seq) -> {
                if (seq != TOMBSTONE) {
                    out.put(key, value(key, seq));
                }
            });
            return out;
        }

        /**
         * Null if {@code key=value} at {@code offset} is a record that was written and comes after
         * the key's previous record in this pass ({@code order}), else what is wrong.
         */
        synchronized String problem(long offset, String key, String value, Map<String, Integer> order) {
            int seq;
            if (value == null) {
                if (last.get(key) == null || last.get(key) != TOMBSTONE) {
                    return "offset " + offset + ": a tombstone for " + key + " was never written";
                }
                seq = TOMBSTONE;
            } else {
                String[] parts = value.split("#");
                if (parts.length != 3 || !parts[0].equals(key)) {
                    return "offset " + offset + ": value " + value + " does not belong to key " + key;
                }
                seq = Integer.parseInt(parts[1]);
                Integer highest = highestValue.get(key);
                if (highest == null || seq > highest || !value.equals(value(key, seq))) {
                    return "offset " + offset + ": " + key + "=" + value + " was never written";
                }
            }
            Integer before = order.put(key, seq);
            if (before != null && before >= seq) {
                return "offset " + offset + ": " + key + " went back from write " + before + " to " + seq;
            }
            return null;
        }
    }
}
