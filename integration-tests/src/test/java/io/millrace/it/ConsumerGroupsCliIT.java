package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.KafkaCli;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Kafka's {@code kafka-consumer-groups} tool (ConsumerGroupCommand of the pinned release,
 * in its own JVM) manages groups on the broker: list, describe with lag, reset offsets of an
 * inactive group, delete offsets of a partition, delete the group.
 */
class ConsumerGroupsCliIT {

    private static final String TOPIC = "cli-lag";
    private static final String GROUP = "cli-group";
    private static final int RECORDS_PER_PARTITION = 10;

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("group.initial.rebalance.delay.ms", "0")
            .build();

    @Test
    void listDescribeWithLagResetOffsetsAndDeleteAGroup() throws Exception {
        Clients.createTopic(broker.bootstrap(), TOPIC, 2, Map.of());
        produce();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(
                broker.bootstrap(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.CLIENT_ID_CONFIG, "cli-consumer"))) {
            consumer.subscribe(List.of(TOPIC));
            Await.until("the consumer is assigned both partitions", Duration.ofMinutes(2), () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 2;
            });
            consumer.commitSync(Map.of(
                    new TopicPartition(TOPIC, 0),
                    new OffsetAndMetadata(3),
                    new TopicPartition(TOPIC, 1),
                    new OffsetAndMetadata(4)));

            List<Row> active = describe();
            assertThat(active)
                    .extracting(Row::partition, Row::currentOffset, Row::logEndOffset, Row::lag)
                    .containsExactlyInAnyOrder(tuple(0, "3", "10", "7"), tuple(1, "4", "10", "6"));
            assertThat(active).allSatisfy(r -> assertThat(r.clientId()).isEqualTo("cli-consumer"));

            ProcessResult refused =
                    groups("--reset-offsets", "--to-earliest", "--execute", "--group", GROUP, "--topic", TOPIC);
            assertThat(refused.stdout() + refused.stderr())
                    .as(refused.describe())
                    .contains("inactive");
        }

        ProcessResult listed = groups("--list");
        assertThat(listed.exitCode()).as(listed.describe()).isZero();
        assertThat(listed.stdout().lines()).contains(GROUP);

        ProcessResult describedIdle = groups("--describe", "--group", GROUP);
        assertThat(describedIdle.stdout() + describedIdle.stderr())
                .as(describedIdle.describe())
                .contains("Consumer group '" + GROUP + "' has no active members.");
        assertThat(rows(describedIdle))
                .extracting(Row::partition, Row::lag)
                .containsExactlyInAnyOrder(tuple(0, "7"), tuple(1, "6"));

        ProcessResult reset =
                groups("--reset-offsets", "--to-earliest", "--execute", "--group", GROUP, "--topic", TOPIC);
        assertThat(reset.exitCode()).as(reset.describe()).isZero();
        assertThat(reset.stdout())
                .as(reset.describe())
                .containsPattern(GROUP + "\\s+" + TOPIC + "\\s+0\\s+0")
                .containsPattern(GROUP + "\\s+" + TOPIC + "\\s+1\\s+0");
        assertThat(describe()).extracting(Row::currentOffset, Row::lag).containsOnly(tuple("0", "10"));

        ProcessResult offsetDeleted = groups("--delete-offsets", "--group", GROUP, "--topic", TOPIC + ":1");
        assertThat(offsetDeleted.exitCode()).as(offsetDeleted.describe()).isZero();
        assertThat(offsetDeleted.stdout()).as(offsetDeleted.describe()).containsPattern(TOPIC + "\\s+1\\s+Successful");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            assertThat(Clients.await(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()))
                    .containsOnlyKeys(new TopicPartition(TOPIC, 0));
        }

        ProcessResult deleted = groups("--delete", "--group", GROUP);
        assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
        assertThat(deleted.stdout()).contains("Deletion of requested consumer groups ('" + GROUP + "') was successful");
        ProcessResult after = groups("--list");
        assertThat(after.stdout().lines()).doesNotContain(GROUP);
        ProcessResult gone = groups("--describe", "--group", GROUP);
        assertThat(gone.stdout())
                .as(gone.describe())
                .contains("GroupIdNotFoundException: Group " + GROUP + " not found.");
    }

    /** One row of {@code --describe}: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID. */
    private record Row(
            int partition, String currentOffset, String logEndOffset, String lag, String consumerId, String clientId) {}

    private static List<Row> describe() {
        ProcessResult described = groups("--describe", "--group", GROUP);
        assertThat(described.exitCode()).as(described.describe()).isZero();
        return rows(described);
    }

    private static List<Row> rows(ProcessResult described) {
        List<Row> rows = new ArrayList<>();
        described
                .stdout()
                .lines()
                .map(String::trim)
                .map(l -> l.split("\\s+"))
                .filter(f -> f.length >= 9 && f[0].equals(GROUP) && f[1].equals(TOPIC))
                .forEach(f -> rows.add(new Row(Integer.parseInt(f[2]), f[3], f[4], f[5], f[6], f[8])));
        assertThat(rows).as(described.describe()).hasSize(2);
        return rows;
    }

    private static ProcessResult groups(String... args) {
        return KafkaCli.runAgainst(broker.bootstrap(), KafkaCli.CONSUMER_GROUP_COMMAND, args);
    }

    private static void produce() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            List<Future<?>> acks = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    acks.add(producer.send(
                            new ProducerRecord<>(TOPIC, p, null, ("v" + i).getBytes(StandardCharsets.UTF_8))));
                }
            }
            for (Future<?> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        }
    }
}
