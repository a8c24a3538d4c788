package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KIP-447 with Kafka's own clients: {@code sendOffsetsToTransaction} carries the consumer's group
 * metadata, so a consume-transform-produce instance that has lost its partitions in a rebalance (a
 * zombie still holding the old generation) cannot commit offsets in its transaction, while the
 * instance holding the current generation can.
 */
class ZombieConsumerFencingIT {

    private static final String IN = "kip447-in";
    private static final String OUT = "kip447-out";
    private static final String GROUP = "kip447-app";

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder()
            .override("group.initial.rebalance.delay.ms", "0")
            .build();

    @Test
    void offsetsOfAZombieFromAnOlderGenerationAreRejectedAndTheCurrentGenerationCommits() throws Exception {
        Clients.createTopic(broker.bootstrap(), IN, 2, Map.of());
        Clients.createTopic(broker.bootstrap(), OUT, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> input = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 10; i++) {
                input.send(new ProducerRecord<>(IN, i % 2, null, bytes("in-" + i)));
            }
            input.flush();
        }
        Map<String, Object> groupConfig =
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition in0 = new TopicPartition(IN, 0);
        try (KafkaConsumer<byte[], byte[]> first = Clients.consumer(broker.bootstrap(), groupConfig);
                KafkaConsumer<byte[], byte[]> second = Clients.consumer(broker.bootstrap(), groupConfig);
                KafkaProducer<byte[], byte[]> zombie = transactional("kip447-zombie");
                KafkaProducer<byte[], byte[]> current = transactional("kip447-current")) {
            first.subscribe(List.of(IN));
            Await.until("the first instance owns both input partitions", Duration.ofSeconds(30), () -> {
                first.poll(Duration.ofMillis(100));
                return first.assignment().size() == 2;
            });
            ConsumerGroupMetadata stale = first.groupMetadata();

            // A second instance joins: the group rebalances to a new generation with both members.
            second.subscribe(List.of(IN));
            Await.until("both instances own a partition in a newer generation", Duration.ofSeconds(30), () -> {
                first.poll(Duration.ofMillis(100));
                second.poll(Duration.ofMillis(100));
                return first.assignment().size() == 1
                        && second.assignment().size() == 1
                        && first.groupMetadata().generationId() > stale.generationId()
                        && second.groupMetadata().generationId()
                                == first.groupMetadata().generationId();
            });

            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>(OUT, bytes("from-zombie")));
            Map<TopicPartition, OffsetAndMetadata> zombieOffsets = Map.of(in0, new OffsetAndMetadata(5));
            assertThatThrownBy(() -> zombie.sendOffsetsToTransaction(zombieOffsets, stale))
                    .as("offsets sent with generation %d after the group moved on", stale.generationId())
                    .isInstanceOf(CommitFailedException.class);
            zombie.abortTransaction();
            assertThat(committed(in0))
                    .as("the zombie's offset is not committed")
                    .isNull();

            KafkaConsumer<byte[], byte[]> owner = first.assignment().contains(in0) ? first : second;
            current.initTransactions();
            current.beginTransaction();
            current.send(new ProducerRecord<>(OUT, bytes("from-owner")));
            current.sendOffsetsToTransaction(Map.of(in0, new OffsetAndMetadata(3)), owner.groupMetadata());
            current.commitTransaction();
            assertThat(committed(in0))
                    .as("the owner's offset, committed with its transaction")
                    .isEqualTo(3L);
        }

        assertThat(Clients.readCommittedText(broker.bootstrap(), new TopicPartition(OUT, 0)))
                .as("read_committed output")
                .containsExactly("from-owner");
    }

    private KafkaProducer<byte[], byte[]> transactional(String id) {
        return Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
    }

    private Long committed(TopicPartition tp) {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            OffsetAndMetadata offset = Clients.await(
                            admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata())
                    .get(tp);
            return offset == null ? null : offset.offset();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
