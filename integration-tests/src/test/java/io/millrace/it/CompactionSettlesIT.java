package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.ProcFs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An idle broker with many compacted partitions stops cleaning once compaction has settled: no
 * further cleaner passes (each pass logs one "compacted offsets below" line) and next to no CPU
 * time in the cleaner thread. The workload holds what once kept the cleaner busy for nothing:
 * tombstones batched with live records (their batch is rewritten with a delete horizon), committed
 * and aborted transactions (markers with horizons of their own), and a log start moved into the
 * active segment by DeleteRecords.
 */
class CompactionSettlesIT {

    private static final int TOPICS = 8;
    private static final int PARTITIONS = 6;
    private static final int KEYS = 20;
    private static final int ROUNDS = 5;
    private static final long BACKOFF_MS = 200;
    /** Makes a round's batch about 1.2 KB, so that every partition rolls 2 KB segments a few times. */
    private static final String PADDING = "-".repeat(40);

    private static final Pattern PASS = Pattern.compile("compacted offsets below");

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("log.cleaner.backoff.ms", Long.toString(BACKOFF_MS))
            .build();

    @Test
    void anIdleBrokerRunsNoCleanerPassOnceCompactionHasSettled() throws Exception {
        List<String> topics = createTopics();
        writeKeyedRoundsWithBatchedTombstones(topics);
        writeTransactions(topics);
        moveALogStartIntoTheActiveSegment(topics.get(1));

        QuietWatch watch = new QuietWatch();
        Await.until(
                "the cleaner has compacted every partition and removed the tombstones",
                Duration.ofSeconds(90),
                () -> watch.quietFor(Duration.ofMillis(15 * BACKOFF_MS)));

        long passesBefore = passes();
        long cpuBefore = ProcFs.threadCpuMillis(broker.pid(), "millrace-log-cleaner-");
        long window = 10_000;
        Thread.sleep(window); // an observation window: the broker is left idle, nothing is awaited
        long passesAfter = passes();
        long cpuAfter = ProcFs.threadCpuMillis(broker.pid(), "millrace-log-cleaner-");

        System.out.printf(
                "Compaction settled after %d passes; idle for %d ms: %d passes, %d ms of cleaner CPU%n",
                passesBefore, window, passesAfter - passesBefore, cpuAfter - cpuBefore);
        assertThat(passesAfter - passesBefore)
                .as("cleaner passes while idle for %d ms (%d passes ran before)", window, passesBefore)
                .isZero();
        assertThat(cpuAfter - cpuBefore)
                .as("CPU ms of the cleaner thread while idle for %d ms: looking for work, not cleaning", window)
                .isLessThan(window / 100);
    }

    private static List<String> createTopics() {
        List<String> topics = new ArrayList<>();
        Admin admin = broker.admin();
        for (int t = 0; t < TOPICS; t++) {
            String topic = "settles-" + t;
            Map<String, String> config = new HashMap<>();
            config.put("cleanup.policy", t % 2 == 0 ? "compact" : "compact,delete");
            config.put("segment.bytes", "2048");
            config.put("min.cleanable.dirty.ratio", "0.01");
            config.put("delete.retention.ms", "1000");
            Clients.createTopic(admin, topic, PARTITIONS, config);
            topics.add(topic);
        }
        return topics;
    }

    /** Every key updated once a round; each round's batch for a partition also carries a tombstone. */
    private static void writeKeyedRoundsWithBatchedTombstones(List<String> topics) {
        try (KafkaProducer<byte[], byte[]> producer =
                Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 20))) {
            for (int round = 0; round < ROUNDS; round++) {
                for (String topic : topics) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        for (int k = 0; k < KEYS; k++) {
                            producer.send(record(topic, p, "k" + k, "v" + round + "-" + k + PADDING));
                        }
                        producer.send(record(topic, p, "gone" + round, null));
                    }
                }
                producer.flush();
            }
        }
    }

    /** In every partition of the first two topics: one committed and one aborted transaction. */
    private static void writeTransactions(List<String> topics) {
        try (KafkaProducer<byte[], byte[]> producer =
                Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "settles-txn"))) {
            producer.initTransactions();
            for (boolean commit : new boolean[] {true, false}) {
                producer.beginTransaction();
                for (String topic : topics.subList(0, 2)) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        producer.send(record(topic, p, "k0", commit ? "committed" : "aborted"));
                    }
                }
                if (commit) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
            // Records after the markers, so that the segments holding them can roll and be cleaned.
            producer.beginTransaction();
            for (String topic : topics.subList(0, 2)) {
                for (int p = 0; p < PARTITIONS; p++) {
                    for (int k = 0; k < KEYS; k++) {
                        producer.send(record(topic, p, "k" + k, "after-" + k));
                    }
                }
            }
            producer.commitTransaction();
        }
    }

    /** DeleteRecords up to one record before the end of partition 0 of a compact,delete topic. */
    private static void moveALogStartIntoTheActiveSegment(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        long end;
        try (var consumer = Clients.consumer(broker.bootstrap())) {
            end = consumer.endOffsets(List.of(tp)).get(tp);
        }
        Clients.await(broker.admin()
                .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end - 1)))
                .all());
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String key, String value) {
        return new ProducerRecord<>(
                topic,
                partition,
                key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Completed cleaner passes so far, from the broker log. */
    private static long passes() {
        Matcher m = PASS.matcher(broker.log());
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Watches the pass count across the polls of one wait. */
    private static final class QuietWatch {
        private long lastCount = -1;
        private long lastChangeNanos;

        /** Whether passes have run and none has been added for {@code quiet}. */
        boolean quietFor(Duration quiet) {
            long count = passes();
            long now = System.nanoTime();
            if (count != lastCount) {
                lastCount = count;
                lastChangeNanos = now;
                return false;
            }
            return count > 0 && now - lastChangeNanos >= quiet.toNanos();
        }
    }
}
