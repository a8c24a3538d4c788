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
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Committed offsets are durable: after the broker is killed with SIGKILL and restarted on the same
 * data, a new consumer of the group starts exactly at the committed offsets, for both group
 * protocols, and offsets committed from outside any group (generation -1, as Flink's source and
 * Storm's spout do with assign()) come back with their metadata.
 */
class GroupOffsetsSurviveKill9IT {

    private static final String TOPIC = "resumable";
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_PARTITION = 30;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder()
            .override("group.initial.rebalance.delay.ms", "0")
            .build();

    @Test
    void committedOffsetsSurviveKill9AndConsumersResumeExactlyThere() throws Exception {
        Clients.createTopic(broker.bootstrap(), TOPIC, PARTITIONS, Map.of());
        produce();
        Map<TopicPartition, OffsetAndMetadata> classic = offsets(7, "classic-");
        Map<TopicPartition, OffsetAndMetadata> kip848 = offsets(11, "consumer-");
        Map<TopicPartition, OffsetAndMetadata> standalone = offsets(5, "checkpoint-42/");
        commitAsMember("resume-classic", "classic", classic);
        commitAsMember("resume-consumer", "consumer", kip848);
        try (KafkaConsumer<byte[], byte[]> assigned =
                Clients.consumer(broker.bootstrap(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, "flink-like"))) {
            assigned.assign(standalone.keySet());
            assigned.commitSync(standalone);
        }

        broker.kill9();
        broker.restart();

        assertThat(firstOffsetsAfterResume("resume-classic", "classic")).isEqualTo(plain(classic));
        assertThat(firstOffsetsAfterResume("resume-consumer", "consumer")).isEqualTo(plain(kip848));
        try (KafkaConsumer<byte[], byte[]> assigned =
                Clients.consumer(broker.bootstrap(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, "flink-like"))) {
            Map<TopicPartition, OffsetAndMetadata> back =
                    assigned.committed(standalone.keySet(), Duration.ofSeconds(60));
            assertThat(back).isEqualTo(standalone);
        }
    }

    /** Offsets {base, base+1, ...} per partition with metadata {prefix}{partition}. */
    private static Map<TopicPartition, OffsetAndMetadata> offsets(int base, String metadataPrefix) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            out.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(base + p, metadataPrefix + p));
        }
        return out;
    }

    private static Map<TopicPartition, Long> plain(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    /** Joins the group, waits for its assignment, commits {@code offsets} synchronously and leaves. */
    private void commitAsMember(String group, String protocol, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(
                broker.bootstrap(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol))) {
            consumer.subscribe(List.of(TOPIC));
            Await.until(group + " assigned all partitions", TIMEOUT, () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == PARTITIONS;
            });
            consumer.commitSync(offsets);
        }
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            assertThat(Clients.await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()))
                    .isEqualTo(offsets);
        }
    }

    /**
     * The offset of the first record a new member of the group receives on each partition; without
     * a committed offset it would fail (auto.offset.reset=none).
     */
    private Map<TopicPartition, Long> firstOffsetsAfterResume(String group, String protocol) {
        Map<TopicPartition, Long> first = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(
                broker.bootstrap(),
                Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                        protocol,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "none"))) {
            consumer.subscribe(List.of(TOPIC));
            Await.until(group + " received records of every partition", TIMEOUT, () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
                }
                return first.size() == PARTITIONS;
            });
        }
        return first;
    }

    private void produce() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            List<Future<?>> acks = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    acks.add(producer.send(new ProducerRecord<>(
                            TOPIC, p, null, ("p" + p + "-" + i).getBytes(StandardCharsets.UTF_8))));
                }
            }
            for (Future<?> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        }
    }
}
