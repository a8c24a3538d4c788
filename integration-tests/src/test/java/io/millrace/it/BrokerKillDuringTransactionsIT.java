package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker is killed with SIGKILL while transactional producers are in the middle of
 * transactions: some keep committing transactions across the outage, others opened a transaction
 * and went silent. After the restart every transaction whose commit was acknowledged is visible
 * exactly once and whole, no transaction is half visible, the abandoned ones are aborted by their
 * transaction timeout, and a read_committed consumer reaches the end of the log: the last stable
 * offset catches up with the high watermark.
 */
class BrokerKillDuringTransactionsIT {

    private static final String TOPIC = "txn-kill";
    private static final int PARTITIONS = 3;
    private static final int COMMITTERS = 3;
    private static final int ABANDONED = 2;
    private static final int RECORDS_PER_TXN = 6;
    private static final String ABANDONED_TIMEOUT_MS = "3000";

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder()
            .override("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500")
            .build();

    private final List<KafkaProducer<byte[], byte[]>> abandoned = new ArrayList<>();

    @AfterEach
    void closeAbandonedProducers() {
        abandoned.forEach(p -> p.close(Duration.ZERO));
    }

    @Test
    void acknowledgedTransactionsSurviveKill9AndOpenOnesAbortSoReadCommittedReachesTheEnd() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Clients.createTopic(broker.bootstrap(), TOPIC, PARTITIONS, Map.of());

        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        Set<String> uncertain = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger commits = new AtomicInteger();
        List<Thread> committers = new ArrayList<>();
        for (int i = 0; i < COMMITTERS; i++) {
            int id = i;
            Thread t = new Thread(() -> commitLoop(id, acknowledged, uncertain, commits, stop), "committer-" + i);
            t.start();
            committers.add(t);
        }
        Set<String> abandonedValues = new HashSet<>();
        for (int i = 0; i < ABANDONED; i++) {
            KafkaProducer<byte[], byte[]> p = Clients.producer(
                    broker.bootstrap(),
                    Map.of(
                            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                            "abandoned-" + i,
                            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            ABANDONED_TIMEOUT_MS));
            abandoned.add(p);
            p.initTransactions();
            p.beginTransaction();
            for (int r = 0; r < RECORDS_PER_TXN; r++) {
                String value = "abandoned-" + i + "-" + r;
                abandonedValues.add(value);
                p.send(new ProducerRecord<>(TOPIC, r % PARTITIONS, null, value.getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }

        int killAfter = 5 + random.nextInt(20);
        Await.until(
                killAfter + " committed transactions before the kill",
                Duration.ofSeconds(60),
                () -> commits.get() >= killAfter);
        broker.kill9();
        broker.restart();
        int afterRestart = commits.get();
        Await.until(
                "the committers commit again after the restart",
                Duration.ofSeconds(120),
                () -> commits.get() >= afterRestart + 2 * COMMITTERS);
        stop.set(true);
        for (Thread t : committers) {
            t.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(t.isAlive()).as(t.getName() + " stopped").isFalse();
        }

        Map<String, Integer> seen = readCommittedToTheEnd();

        Map<String, List<String>> byTxn = new HashMap<>();
        seen.forEach((value, copies) -> {
            assertThat(copies)
                    .as(value + " is visible exactly once (seed " + seed + ")")
                    .isEqualTo(1);
            byTxn.computeIfAbsent(value.substring(0, value.lastIndexOf('-')), k -> new ArrayList<>())
                    .add(value);
        });
        acknowledged
                .keySet()
                .forEach(txn -> assertThat(byTxn.get(txn))
                        .as("acknowledged transaction " + txn + " is visible whole (seed " + seed + ")")
                        .hasSize(RECORDS_PER_TXN));
        byTxn.forEach((txn, values) -> {
            assertThat(values)
                    .as("transaction " + txn + " is all or nothing (seed " + seed + ")")
                    .hasSize(RECORDS_PER_TXN);
            assertThat(acknowledged.containsKey(txn) || uncertain.contains(txn))
                    .as(txn + " was written by a committer")
                    .isTrue();
        });
        assertThat(seen.keySet())
                .as("abandoned transactions were aborted")
                .doesNotContainAnyElementsOf(abandonedValues);
    }

    /**
     * Commits transactions of {@value #RECORDS_PER_TXN} records until stopped. A transaction whose
     * commit failed (the broker was down) has an unknown outcome; the producer is then replaced, which
     * fences the old one.
     */
    private void commitLoop(
            int id,
            Map<String, Integer> acknowledged,
            Set<String> uncertain,
            AtomicInteger commits,
            AtomicBoolean stop) {
        int txn = 0;
        KafkaProducer<byte[], byte[]> producer = null;
        while (!stop.get()) {
            String name = "c" + id + "-" + txn++;
            try {
                if (producer == null) {
                    producer = Clients.producer(
                            broker.bootstrap(),
                            Map.of(
                                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                    "committer-" + id,
                                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                    120_000));
                    producer.initTransactions();
                }
                producer.beginTransaction();
                for (int r = 0; r < RECORDS_PER_TXN; r++) {
                    producer.send(new ProducerRecord<>(
                            TOPIC, r % PARTITIONS, null, (name + "-" + r).getBytes(StandardCharsets.UTF_8)));
                }
                producer.commitTransaction();
                acknowledged.put(name, RECORDS_PER_TXN);
                commits.incrementAndGet();
            } catch (RuntimeException e) {
                uncertain.add(name);
                if (producer != null) {
                    producer.close(Duration.ZERO);
                    producer = null;
                }
            }
        }
        if (producer != null) {
            producer.close();
        }
    }

    /** What the broker says about producers and transactions, for failure messages. */
    private String transactionState(List<TopicPartition> partitions) {
        try (org.apache.kafka.clients.admin.Admin admin = Clients.admin(broker.bootstrap())) {
            StringBuilder out = new StringBuilder("producers: ");
            Clients.await(admin.describeProducers(partitions).all())
                    .forEach((tp, state) ->
                            out.append('\n').append(tp).append(": ").append(state.activeProducers()));
            out.append("\ntransactions: ")
                    .append(Clients.await(admin.listTransactions().all()));
            return out.toString();
        }
    }

    /** Every value read_committed shows, with how often, once its end offsets equal the high watermarks. */
    private Map<String, Integer> readCommittedToTheEnd() {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(TOPIC, p))
                .toList();
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> committed = Clients.consumer(
                        broker.bootstrap(), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
                KafkaConsumer<byte[], byte[]> uncommitted = Clients.consumer(broker.bootstrap())) {
            Map<TopicPartition, Long> highWatermarks;
            try {
                highWatermarks = Await.value(
                        "the last stable offsets reach the high watermarks (the abandoned" + " transactions time out)",
                        Duration.ofSeconds(60),
                        () -> {
                            Map<TopicPartition, Long> hw = uncommitted.endOffsets(partitions);
                            return committed.endOffsets(partitions).equals(hw) ? hw : null;
                        },
                        hw -> hw != null);
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "\nread_committed ends at " + committed.endOffsets(partitions)
                                + ", read_uncommitted at " + uncommitted.endOffsets(partitions) + "\n"
                                + transactionState(partitions),
                        e);
            }
            committed.assign(partitions);
            committed.seekToBeginning(partitions);
            Await.until("read_committed reaches the end " + highWatermarks, Duration.ofSeconds(60), () -> {
                committed
                        .poll(Duration.ofMillis(200))
                        .forEach(r -> seen.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum));
                return partitions.stream().allMatch(tp -> committed.position(tp) >= highWatermarks.get(tp));
            });
        }
        return seen;
    }
}
