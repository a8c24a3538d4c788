package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.RawKafkaConnection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java AdminClient's topic, config, offset and cluster operations against the broker. */
class AdminClientIT {

    private static final int DEFAULT_PARTITIONS = 3;

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("num.partitions", String.valueOf(DEFAULT_PARTITIONS))
            .build();

    @Test
    void createsListsDescribesAndDeletesTopicsIncludingStreamQualifiedNames() {
        String plain = "orders";
        String qualified = "payments:settled";
        Clients.await(broker.admin()
                .createTopics(List.of(new NewTopic(plain, 3, (short) 1), new NewTopic(qualified, 2, (short) 1)))
                .all());

        assertThat(Clients.await(broker.admin().listTopics().names())).contains(plain, qualified);
        Map<String, TopicDescription> described = Clients.await(
                broker.admin().describeTopics(List.of(plain, qualified)).allTopicNames());
        assertThat(described.get(plain).partitions()).hasSize(3);
        assertThat(described.get(qualified).partitions()).hasSize(2);
        assertThat(described.get(qualified).name()).isEqualTo(qualified);
        for (TopicDescription description : described.values()) {
            assertThat(description.isInternal()).isFalse();
            assertThat(description.topicId()).isNotNull();
            for (TopicPartitionInfo partition : description.partitions()) {
                assertThat(partition.leader())
                        .as("leader of " + description.name() + "-" + partition.partition())
                        .isNotNull();
                assertThat(partition.leader().port()).isEqualTo(broker.port());
                assertThat(partition.replicas()).containsExactly(partition.leader());
                assertThat(partition.isr()).containsExactly(partition.leader());
            }
        }

        // A stream-qualified topic takes writes and reads like any other.
        roundTrip(qualified, 1, "qualified");

        Clients.await(broker.admin().deleteTopics(List.of(plain, qualified)).all());
        Await.until(
                "deleted topics to disappear from the topic list",
                Duration.ofSeconds(30),
                () -> !Clients.await(broker.admin().listTopics().names()).contains(plain));
        assertThat(Clients.await(broker.admin().listTopics().names())).doesNotContain(plain, qualified);
        assertThat(Clients.failure(broker.admin().describeTopics(List.of(plain)).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void createTopicWithoutPartitionCountUsesTheBrokerDefault() {
        Clients.await(broker.admin()
                .createTopics(
                        List.of(new NewTopic("defaulted", java.util.Optional.empty(), java.util.Optional.empty())))
                .all());

        TopicDescription description = Clients.await(
                        broker.admin().describeTopics(List.of("defaulted")).allTopicNames())
                .get("defaulted");
        assertThat(description.partitions()).hasSize(DEFAULT_PARTITIONS);
    }

    @Test
    void creatingAnExistingTopicFailsWithTopicAlreadyExists() {
        Clients.createTopic(broker.admin(), "existing", 1, Map.of());

        assertThat(Clients.failure(broker.admin()
                        .createTopics(List.of(new NewTopic("existing", 1, (short) 1)))
                        .all()))
                .isInstanceOf(TopicExistsException.class);
    }

    @Test
    void deletingOrDescribingAnUnknownTopicFailsWithUnknownTopic() {
        assertThat(Clients.failure(
                        broker.admin().deleteTopics(List.of("no-such-topic")).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(Clients.failure(
                        broker.admin().describeTopics(List.of("no-such-topic")).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(Clients.failure(broker.admin()
                        .describeTopics(List.of("nostream:no-such-topic"))
                        .allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void createPartitionsGrowsATopicThatThenTakesWritesOnTheNewPartitions() {
        Clients.createTopic(broker.admin(), "growing", 2, Map.of());

        Clients.await(broker.admin()
                .createPartitions(Map.of("growing", NewPartitions.increaseTo(5)))
                .all());

        Await.until(
                "growing to have 5 partitions",
                Duration.ofSeconds(30),
                () -> Clients.await(broker.admin()
                                        .describeTopics(List.of("growing"))
                                        .allTopicNames())
                                .get("growing")
                                .partitions()
                                .size()
                        == 5);
        roundTrip("growing", 4, "on a new partition");
        assertThat(Clients.failure(broker.admin()
                        .createPartitions(Map.of("growing", NewPartitions.increaseTo(3)))
                        .all()))
                .isInstanceOf(InvalidPartitionsException.class);
    }

    @Test
    void describesAndIncrementallyAltersTopicConfigs() {
        Clients.createTopic(broker.admin(), "configured", 1, Map.of("retention.ms", "86400000"));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "configured");

        ConfigEntry created = topicConfig(resource).get("retention.ms");
        assertThat(created.value()).isEqualTo("86400000");
        assertThat(created.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        ConfigEntry segmentBytes = topicConfig(resource).get("segment.bytes");
        assertThat(segmentBytes)
                .as("segment.bytes of a topic that does not set it")
                .isNotNull();
        assertThat(segmentBytes.isDefault()).isTrue();

        Clients.await(broker.admin()
                .incrementalAlterConfigs(Map.of(
                        resource,
                        List.of(
                                new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET),
                                new AlterConfigOp(
                                        new ConfigEntry("max.message.bytes", "2000000"), AlterConfigOp.OpType.SET))))
                .all());
        Config altered = topicConfig(resource);
        assertThat(altered.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(altered.get("max.message.bytes").value()).isEqualTo("2000000");
        assertThat(altered.get("max.message.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        Clients.await(broker.admin()
                .incrementalAlterConfigs(Map.of(
                        resource,
                        List.of(new AlterConfigOp(
                                new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE))))
                .all());
        assertThat(topicConfig(resource).get("max.message.bytes").isDefault()).isTrue();
        assertThat(topicConfig(resource).get("retention.ms").value()).isEqualTo("3600000");

        assertThat(Clients.failure(broker.admin()
                        .incrementalAlterConfigs(Map.of(
                                resource,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("retention.ms", "not-a-number"), AlterConfigOp.OpType.SET))))
                        .all()))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(topicConfig(resource).get("retention.ms").value()).isEqualTo("3600000");
    }

    @Test
    void legacyAlterConfigsReplacesTheWholeSetOfTopicOverrides() throws Exception {
        Clients.createTopic(broker.admin(), "replaced", 1, Map.of("max.message.bytes", "2000000"));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "replaced");

        // AlterConfigs (key 33), which the 4.x AdminClient no longer sends: the request's configs
        // become the topic's only overrides, and everything else returns to its default.
        AlterConfigsRequestData request = new AlterConfigsRequestData()
                .setResources(new AlterConfigsRequestData.AlterConfigsResourceCollection(List.of(
                                new AlterConfigsRequestData.AlterConfigsResource()
                                        .setResourceType(ConfigResource.Type.TOPIC.id())
                                        .setResourceName("replaced")
                                        .setConfigs(new AlterConfigsRequestData.AlterableConfigCollection(
                                                List.of(new AlterConfigsRequestData.AlterableConfig()
                                                                .setName("retention.ms")
                                                                .setValue("123456"))
                                                        .iterator())))
                        .iterator()));
        try (RawKafkaConnection connection =
                RawKafkaConnection.open(BrokerProcess.HOST, broker.port(), Duration.ofSeconds(30))) {
            short version = RawKafkaConnection.newestCommonVersion(connection.apiVersions(), ApiKeys.ALTER_CONFIGS);
            assertThat(version)
                    .as("AlterConfigs version supported by both sides")
                    .isNotNegative();
            AlterConfigsResponseData response = (AlterConfigsResponseData) connection.send(request, version);
            assertThat(response.responses()).hasSize(1);
            assertThat(Errors.forCode(response.responses().get(0).errorCode()))
                    .as(response.responses().get(0).errorMessage())
                    .isEqualTo(Errors.NONE);
        }

        Config config = topicConfig(resource);
        assertThat(config.get("retention.ms").value()).isEqualTo("123456");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("max.message.bytes").isDefault())
                .as("max.message.bytes after AlterConfigs without it")
                .isTrue();
    }

    @Test
    void producingToAnUnknownTopicCreatesItWithTheDefaultPartitionCount() {
        String topic = "auto-created";
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            send(producer, new ProducerRecord<>(topic, GeneratedRecords.utf8("first")));
        }

        TopicDescription description = Clients.await(
                        broker.admin().describeTopics(List.of(topic)).allTopicNames())
                .get(topic);
        assertThat(description.partitions()).hasSize(DEFAULT_PARTITIONS);
    }

    @Test
    void aDeletedTopicCreatedAgainStartsEmpty() {
        String topic = "reborn";
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(broker.admin(), topic, 1, Map.of());
        roundTrip(topic, 0, "first life");
        roundTrip(topic, 0, "still first life");
        String firstId = Clients.await(
                        broker.admin().describeTopics(List.of(topic)).allTopicNames())
                .get(topic)
                .topicId()
                .toString();

        Clients.await(broker.admin().deleteTopics(List.of(topic)).all());
        Await.until(
                topic + " to be gone",
                Duration.ofSeconds(30),
                () -> !Clients.await(broker.admin().listTopics().names()).contains(topic));
        Await.until(topic + " to be created again", Duration.ofSeconds(30), () -> {
            try {
                Clients.createTopic(broker.admin(), topic, 1, Map.of());
                return true;
            } catch (AssertionError e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return false;
                }
                throw e;
            }
        });

        assertThat(Clients.await(broker.admin().describeTopics(List.of(topic)).allTopicNames())
                        .get(topic)
                        .topicId())
                .as("topic id of the new topic")
                .doesNotHaveToString(firstId);
        assertThat(listOffset(tp, OffsetSpec.earliest()).offset()).isZero();
        assertThat(listOffset(tp, OffsetSpec.latest()).offset())
                .as("latest offset of the new topic")
                .isZero();
        roundTrip(topic, 0, "second life");
        assertThat(listOffset(tp, OffsetSpec.latest()).offset()).isEqualTo(1);
    }

    @Test
    void describesTheBrokersConfigIncludingOverrides() {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, brokerId());

        Config config = Clients.await(
                        broker.admin().describeConfigs(List.of(resource)).all())
                .get(resource);

        assertThat(config.get("num.partitions"))
                .as("num.partitions in the broker config")
                .isNotNull();
        assertThat(config.get("num.partitions").value()).isEqualTo(String.valueOf(DEFAULT_PARTITIONS));
    }

    @Test
    void listsEarliestLatestByTimestampAndMaxTimestampOffsets() {
        String topic = "offsets";
        Clients.createTopic(broker.admin(), topic, 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        long base = System.currentTimeMillis() - 600_000;
        // Timestamps rise by a second per record, except record 7, which is the newest of all.
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 10; i++) {
                long timestamp = i == 7 ? base + 100_000 : base + i * 1000L;
                send(producer, new ProducerRecord<>(topic, 0, timestamp, null, GeneratedRecords.utf8("r" + i)));
            }
        }

        assertThat(listOffset(tp, OffsetSpec.earliest()).offset()).isZero();
        assertThat(listOffset(tp, OffsetSpec.latest()).offset()).isEqualTo(10);
        ListOffsetsResultInfo byTime = listOffset(tp, OffsetSpec.forTimestamp(base + 3500));
        assertThat(byTime.offset())
                .as("first offset with timestamp >= base + 3.5 s")
                .isEqualTo(4);
        assertThat(byTime.timestamp()).isEqualTo(base + 4000);
        ListOffsetsResultInfo max = listOffset(tp, OffsetSpec.maxTimestamp());
        assertThat(max.offset())
                .as("offset of the record with the largest timestamp")
                .isEqualTo(7);
        assertThat(max.timestamp()).isEqualTo(base + 100_000);
        assertThat(listOffset(tp, OffsetSpec.forTimestamp(base + 200_000)).offset())
                .as("offset for a timestamp newer than every record")
                .isEqualTo(-1);
    }

    @Test
    void deleteRecordsMovesTheEarliestOffset() {
        String topic = "trimmed";
        Clients.createTopic(broker.admin(), topic, 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 10; i++) {
                send(producer, new ProducerRecord<>(topic, 0, null, GeneratedRecords.utf8("r" + i)));
            }
        }

        DeletedRecords deleted = Clients.await(broker.admin()
                .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6)))
                .lowWatermarks()
                .get(tp));

        assertThat(deleted.lowWatermark()).isEqualTo(6);
        assertThat(listOffset(tp, OffsetSpec.earliest()).offset()).isEqualTo(6);
        assertThat(listOffset(tp, OffsetSpec.latest()).offset()).isEqualTo(10);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            ConsumerRecord<byte[], byte[]> first =
                    Clients.awaitRecord(consumer, tp, "a record after the deleted ones", Duration.ofSeconds(30));
            assertThat(first.offset()).isEqualTo(6);
            assertThat(new String(first.value(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("r6");
        }
    }

    @Test
    void describeClusterReportsTheSingleNode() {
        DescribeClusterResult cluster = broker.admin().describeCluster();

        Collection<Node> nodes = Clients.await(cluster.nodes());
        assertThat(nodes).hasSize(1);
        Node node = nodes.iterator().next();
        assertThat(node.host()).isEqualTo(BrokerProcess.HOST);
        assertThat(node.port()).isEqualTo(broker.port());
        assertThat(Clients.await(cluster.clusterId())).isNotBlank();
    }

    private String brokerId() {
        return String.valueOf(Clients.await(broker.admin().describeCluster().nodes())
                .iterator()
                .next()
                .id());
    }

    private Config topicConfig(ConfigResource resource) {
        return Clients.await(broker.admin().describeConfigs(Set.of(resource)).all())
                .get(resource);
    }

    private ListOffsetsResultInfo listOffset(TopicPartition tp, OffsetSpec spec) {
        return Clients.await(broker.admin().listOffsets(Map.of(tp, spec)).partitionResult(tp));
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record).get();
        } catch (Exception e) {
            throw new AssertionError("Produce to " + record.topic() + " failed", e);
        }
    }

    private void roundTrip(String topic, int partition, String text) {
        TopicPartition tp = new TopicPartition(topic, partition);
        RecordMetadata written;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            written = send(producer, new ProducerRecord<>(topic, partition, null, GeneratedRecords.utf8(text)));
        }
        assertThat(written.partition()).isEqualTo(partition);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, written.offset());
            ConsumerRecord<byte[], byte[]> read =
                    Clients.awaitRecord(consumer, tp, "the record just written to " + tp, Duration.ofSeconds(30));
            assertThat(read.offset()).isEqualTo(written.offset());
            assertThat(new String(read.value(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(text);
        }
    }
}
