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
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nothing acknowledged with acks=all is lost, duplicated or moved when the broker is killed with
 * SIGKILL in the middle of a load and restarted on the same data directory.
 *
 * <p>Several idempotent producers write distinct values to a multi-partition topic and record
 * every acknowledged (partition, offset, value). At a random point the broker gets SIGKILL and
 * is restarted; the producers retry across the outage and finish. A consumer tails the topic all
 * along. The whole log is then read back and checked against the acknowledgements and against
 * what the consumer was shown (consumers only ever see fsynced data).
 */
class Kill9DurabilityIT {

    private static final int PARTITIONS = 4;
    private static final int PRODUCERS = 3;
    private static final int RECORDS_PER_PRODUCER = 20_000;
    private static final String TOPIC = "durable";
    private static final Pattern VALUE = Pattern.compile("p(\\d+)-(\\d+)-.*");
    private static final String FILLER = "x".repeat(80);

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder().build();

    @RepeatedTest(value = 5, name = "kill -9 number {currentRepetition} of {totalRepetitions}")
    void everyAcknowledgedRecordSurvivesKill9ExactlyOnceAtItsOffset(RepetitionInfo repetition) throws Exception {
        long seed = System.nanoTime() ^ repetition.getCurrentRepetition();
        Random random = new Random(seed);
        // Every other run rolls segments every few hundred records, so the kill may land mid-roll.
        boolean smallSegments = repetition.getCurrentRepetition() % 2 == 1;
        Clients.createTopic(
                broker.bootstrap(), TOPIC, PARTITIONS, smallSegments ? Map.of("segment.bytes", "16384") : Map.of());

        List<Map<Long, String>> acknowledged = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            acknowledged.add(new ConcurrentHashMap<>());
        }
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failedSends = new ConcurrentLinkedQueue<>();
        AtomicLong ackCount = new AtomicLong();
        List<Thread> producers = new ArrayList<>();
        for (int id = 0; id < PRODUCERS; id++) {
            int producerId = id;
            Thread thread = new Thread(
                    () -> produce(producerId, acknowledged, ackCount, violations, failedSends), "producer-" + id);
            thread.start();
            producers.add(thread);
        }

        // A consumer tails the topic throughout; whatever it was shown must also survive the kill.
        List<Map<Long, String>> seen = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            seen.add(new ConcurrentHashMap<>());
        }
        AtomicBoolean stopTailing = new AtomicBoolean();
        Thread tail = new Thread(() -> tail(seen, stopTailing, violations), "tailing-consumer");
        tail.start();

        long total = (long) PRODUCERS * RECORDS_PER_PRODUCER;
        long killAfter = (long) (total * (0.15 + 0.45 * random.nextDouble()));
        Await.until(
                killAfter + " acknowledged records before the kill",
                Duration.ofMinutes(3),
                () -> ackCount.get() >= killAfter || producers.stream().noneMatch(Thread::isAlive));
        assertThat(producers)
                .as("producers still running at the kill (seed " + seed + ")")
                .anyMatch(Thread::isAlive);
        long ackedBeforeKill = ackCount.get();
        broker.kill9();
        broker.restart();

        for (Thread thread : producers) {
            thread.join(TimeUnit.MINUTES.toMillis(5));
            assertThat(thread.isAlive())
                    .as(thread.getName() + " finished after the restart")
                    .isFalse();
        }
        stopTailing.set(true);
        tail.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(violations)
                .as("acknowledgements that contradict each other (seed " + seed + ")")
                .isEmpty();

        Map<String, String> whereInLog = new HashMap<>();
        long[] nextOffset = new long[PARTITIONS];
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(TOPIC, p))
                .collect(Collectors.toList());
        List<String> logProblems = new ArrayList<>();
        Map<Integer, Map<Long, String>> log = new HashMap<>();
        Clients.readToEnd(broker.bootstrap(), partitions, record -> {
            int p = record.partition();
            String value = record.value() == null ? "null" : new String(record.value(), StandardCharsets.UTF_8);
            if (record.offset() != nextOffset[p]) {
                logProblems.add(
                        "gap in partition " + p + ": expected offset " + nextOffset[p] + ", read " + record.offset());
            }
            nextOffset[p] = record.offset() + 1;
            String previous = whereInLog.put(value, p + "@" + record.offset());
            if (previous != null) {
                logProblems.add(
                        "value " + value + " appears twice: at " + previous + " and " + p + "@" + record.offset());
            }
            Matcher m = VALUE.matcher(value);
            if (!m.matches() || Long.parseLong(m.group(2)) % PARTITIONS != p) {
                logProblems.add("unexpected value at " + p + "@" + record.offset() + ": " + value);
            }
            log.computeIfAbsent(p, k -> new HashMap<>()).put(record.offset(), value);
        });

        List<String> lost = notInLog(acknowledged, "acknowledged", log, whereInLog);
        List<String> unseen = notInLog(seen, "was read", log, whereInLog);
        String context = " (seed " + seed + (smallSegments ? ", 16 KiB segments" : "") + ", killed after "
                + ackedBeforeKill + " of " + total + " acknowledgements, " + ackCount.get() + " acknowledged in all)";
        assertThat(firstOf(lost))
                .as(lost.size() + " acknowledged records missing from their acknowledged offsets" + context)
                .isEmpty();
        assertThat(seen.stream().mapToInt(Map::size).sum())
                .as("records the tailing consumer read" + context)
                .isPositive();
        assertThat(firstOf(unseen))
                .as(unseen.size() + " records a consumer read that are no longer in the log" + context)
                .isEmpty();
        assertThat(firstOf(logProblems))
                .as(logProblems.size() + " gaps, duplicates and strangers in the log" + context)
                .isEmpty();
        assertThat(failedSends)
                .as("sends that failed although the producers retry across the outage" + context)
                .isEmpty();
        assertThat(ackCount.get()).as("acknowledged records" + context).isEqualTo(total);

        broker.stop();
    }

    /**
     * The records of {@code expected} (per partition: offset to value) that the log does not hold at
     * their offset, each described with {@code how} it was expected ("acknowledged", "was read").
     */
    private static List<String> notInLog(
            List<Map<Long, String>> expected,
            String how,
            Map<Integer, Map<Long, String>> log,
            Map<String, String> whereInLog) {
        List<String> missing = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (Map.Entry<Long, String> record : expected.get(p).entrySet()) {
                String inLog = log.getOrDefault(p, Map.of()).get(record.getKey());
                if (!record.getValue().equals(inLog)) {
                    missing.add(record.getValue() + " " + how + " at " + p + "@" + record.getKey() + " but the log has "
                            + (inLog == null ? "nothing" : inLog) + " there"
                            + (whereInLog.containsKey(record.getValue())
                                    ? " (value found at " + whereInLog.get(record.getValue()) + ")"
                                    : ""));
                }
            }
        }
        return missing;
    }

    private static List<String> firstOf(List<String> problems) {
        return problems.subList(0, Math.min(30, problems.size()));
    }

    /** Reads the topic from the beginning until told to stop, remembering what it was shown. */
    private void tail(List<Map<Long, String>> seen, AtomicBoolean stop, ConcurrentLinkedQueue<String> violations) {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(TOPIC, p))
                .collect(Collectors.toList());
        try (KafkaConsumer<byte[], byte[]> consumer =
                Clients.consumer(broker.bootstrap(), Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "durability-tail"))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    String previous = seen.get(record.partition()).putIfAbsent(record.offset(), value);
                    if (previous != null && !previous.equals(value)) {
                        violations.add("a consumer read " + previous + " and later " + value + " at "
                                + record.partition() + "@" + record.offset());
                    }
                }
            }
        } catch (RuntimeException e) {
            violations.add("the tailing consumer failed: " + e);
        }
    }

    private void produce(
            int id,
            List<Map<Long, String>> acknowledged,
            AtomicLong ackCount,
            ConcurrentLinkedQueue<String> violations,
            ConcurrentLinkedQueue<String> failedSends) {
        Map<String, Object> config = Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 240_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 240_000,
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500,
                ProducerConfig.CLIENT_ID_CONFIG, "durability-" + id);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(), config)) {
            for (int seq = 0; seq < RECORDS_PER_PRODUCER; seq++) {
                String value = String.format("p%d-%08d-%s", id, seq, FILLER);
                int partition = seq % PARTITIONS;
                producer.send(
                        new ProducerRecord<>(TOPIC, partition, null, value.getBytes(StandardCharsets.UTF_8)),
                        (metadata, error) -> {
                            if (error != null) {
                                if (failedSends.size() < 20) {
                                    failedSends.add(value.substring(0, value.lastIndexOf('-')) + ": " + error);
                                }
                                return;
                            }
                            String previous =
                                    acknowledged.get(metadata.partition()).putIfAbsent(metadata.offset(), value);
                            if (previous != null) {
                                violations.add("offset " + metadata.partition() + "@" + metadata.offset()
                                        + " acknowledged for both " + previous + " and " + value);
                            }
                            if (metadata.partition() != partition) {
                                violations.add(value + " sent to partition " + partition + " acknowledged on "
                                        + metadata.partition());
                            }
                            ackCount.incrementAndGet();
                        });
            }
            producer.flush();
        } catch (RuntimeException e) {
            failedSends.add("producer " + id + " failed: " + e);
        }
    }
}
