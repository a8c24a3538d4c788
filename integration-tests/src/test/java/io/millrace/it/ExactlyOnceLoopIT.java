package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.TestJvm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once consume-transform-produce under SIGKILL: {@link ExactlyOnceAppMain} (a read_committed
 * group consumer and a transactional producer committing the consumed offsets with
 * {@code sendOffsetsToTransaction}) is killed with kill -9 twenty times at random steps of its
 * transactions (after begin, amid sends, after the offsets, after the commit) and restarted with
 * the same transactional id and group; a last run drains the input. The output read with
 * read_committed then holds every input record exactly once.
 */
class ExactlyOnceLoopIT {

    private static final int RECORDS = 6000;
    private static final int PARTITIONS = 3;
    private static final int KILLS = 20;
    /** A run is killed at a random one of its first this many steps (about 7 transactions of 25 records). */
    private static final int MAX_STEPS_PER_RUN = 30;

    private static final String IN = "eos-in";
    private static final String OUT = "eos-out";
    private static final String GROUP = "eos-app";
    private static final String TXN_ID = "eos-app-txn";

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder()
            .override("group.initial.rebalance.delay.ms", "0")
            .build();

    @Test
    void everyInputRecordIsInTheOutputExactlyOnceAfterTwentyKills() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Clients.createTopic(broker.bootstrap(), IN, PARTITIONS, Map.of());
        Clients.createTopic(broker.bootstrap(), OUT, PARTITIONS, Map.of());
        produceInput();

        List<String> errors = new CopyOnWriteArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            int killAtStep = 1 + random.nextInt(MAX_STEPS_PER_RUN);
            AtomicInteger steps = new AtomicInteger();
            AtomicReference<TestJvm> app = new AtomicReference<>();
            app.set(startApp("app-" + kill, line -> {
                if (line.startsWith("ERROR")) {
                    errors.add(line);
                } else if (!line.equals("READY") && steps.incrementAndGet() == killAtStep) {
                    app.get().kill9Now();
                }
            }));
            int run = kill;
            Await.until(
                    "run " + run + " is killed at step " + killAtStep + " (seed " + seed + ")",
                    Duration.ofSeconds(90),
                    () -> !app.get().isAlive());
            assertThat(errors)
                    .as("failures of the application (seed " + seed + ")\n"
                            + app.get().stderrTail())
                    .isEmpty();
        }

        TestJvm last = startApp("app-final", line -> {
            if (line.startsWith("ERROR")) {
                errors.add(line);
            }
        });
        Await.until(
                "the last run has consumed and committed the whole input (seed " + seed + ")",
                Duration.ofSeconds(120),
                () -> committedInput() == RECORDS || !last.isAlive());
        last.kill9();
        assertThat(errors)
                .as("failures of the application (seed " + seed + ")\n" + last.stderrTail())
                .isEmpty();

        Map<String, Integer> copies = new HashMap<>();
        List<TopicPartition> outPartitions = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(OUT, p))
                .toList();
        readCommittedToEnd(
                outPartitions, r -> copies.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum));
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            int n = copies.getOrDefault("out:" + i, 0);
            if (n == 0) {
                missing.add(String.valueOf(i));
            } else if (n > 1) {
                duplicated.add(i + " x" + n);
            }
        }
        assertThat(missing)
                .as("input records missing from the output (seed " + seed + ")")
                .isEmpty();
        assertThat(duplicated)
                .as("input records in the output more than once (seed " + seed + ")")
                .isEmpty();
        assertThat(copies).as("nothing else in the output").hasSize(RECORDS);
    }

    private TestJvm startApp(String name, java.util.function.Consumer<String> onLine) {
        return broker.startJvm(
                name, ExactlyOnceAppMain.class, List.of(broker.bootstrap(), GROUP, IN, OUT, TXN_ID), onLine);
    }

    private void produceInput() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(
                        IN,
                        i % PARTITIONS,
                        ("k" + i).getBytes(StandardCharsets.UTF_8),
                        String.valueOf(i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** Sum of the group's committed offsets on the input topic. */
    private long committedInput() {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    Clients.await(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata());
            return offsets.values().stream()
                    .filter(java.util.Objects::nonNull)
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
        }
    }

    private void readCommittedToEnd(
            List<TopicPartition> partitions, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        try (var consumer =
                Clients.consumer(broker.bootstrap(), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Clients.await(admin.listOffsets(latest).all())
                        .forEach((tp, info) -> assertThat(end.get(tp))
                                .as("no transaction left open on " + tp)
                                .isEqualTo(info.offset()));
            }
            Await.until("read_committed reads the output to its end " + end, Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(handler);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
    }
}
