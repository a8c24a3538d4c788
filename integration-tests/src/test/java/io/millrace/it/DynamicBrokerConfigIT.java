package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.millrace.testing.Await;
import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.KafkaCli;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.ProcessResult;
import io.millrace.testing.RawKafkaConnection;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.AlterConfigsResult;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dynamic broker configuration through the Java AdminClient, a raw legacy AlterConfigs and Kafka's
 * own kafka-configs tool: values of this broker (resource "0") and cluster defaults (resource "")
 * take effect at once for topics without a value of their own, are described with Kafka's sources,
 * survive a restart, revert when deleted, and are refused resource by resource as Kafka refuses
 * them. Each test removes the dynamic values it set.
 */
class DynamicBrokerConfigIT {

    private static final ConfigResource THIS_BROKER = new ConfigResource(ConfigResource.Type.BROKER, "0");
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");
    /** message.max.bytes of the broker's properties: a static value. */
    private static final String STATIC_MAX_MESSAGE_BYTES = "2000000";
    /** A record value larger than the 1 KiB limits the tests set, far below the static one. */
    private static final byte[] LARGE = new byte[5000];

    private static final Duration RETENTION_DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("message.max.bytes", STATIC_MAX_MESSAGE_BYTES)
            .override("log.retention.check.interval.ms", "200")
            .override("log.segment.delete.delay.ms", "100")
            .build();

    @AfterEach
    void removeDynamicValues() {
        // A change that could not be applied is logged as an error, not answered as one.
        assertThat(broker.log()).as("the broker's log").doesNotContain(" ERROR ");
        for (ConfigResource resource : List.of(THIS_BROKER, CLUSTER_DEFAULT)) {
            ConfigSource own = resource == THIS_BROKER
                    ? ConfigSource.DYNAMIC_BROKER_CONFIG
                    : ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
            List<AlterConfigOp> deletions = new ArrayList<>();
            for (ConfigEntry e : describe(resource).entries()) {
                if (e.source() == own) {
                    deletions.add(op(OpType.DELETE, e.name(), null));
                }
            }
            if (!deletions.isEmpty()) {
                Clients.await(broker.admin()
                        .incrementalAlterConfigs(Map.of(resource, deletions))
                        .all());
            }
        }
    }

    @Test
    void aNewMaxMessageSizeAppliesToTopicsWithoutTheirOwnAndThisBrokerBeatsTheClusterDefault() {
        Clients.createTopic(broker.admin(), "inherits", 1, Map.of());
        Clients.createTopic(broker.admin(), "own-limit", 1, Map.of("max.message.bytes", "100000"));
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            assertThat(produce(producer, "inherits")).isNull();

            alter(CLUSTER_DEFAULT, op(OpType.SET, "message.max.bytes", "1024"));
            assertThat(produce(producer, "inherits")).isInstanceOf(RecordTooLargeException.class);
            assertThat(produce(producer, "own-limit")).isNull();
            ConfigEntry inherited = topicConfig("inherits").get("max.message.bytes");
            assertThat(inherited.value()).isEqualTo("1024");
            assertThat(inherited.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            assertThat(inherited.synonyms())
                    .extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::value, s -> s.source())
                    .containsExactly(
                            tuple("message.max.bytes", "1024", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                            tuple("message.max.bytes", STATIC_MAX_MESSAGE_BYTES, ConfigSource.STATIC_BROKER_CONFIG),
                            tuple("message.max.bytes", "1048588", ConfigSource.DEFAULT_CONFIG));
            assertThat(topicConfig("own-limit").get("max.message.bytes").source())
                    .isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);

            alter(THIS_BROKER, op(OpType.SET, "message.max.bytes", "100000"));
            assertThat(produce(producer, "inherits")).isNull();
            assertThat(topicConfig("inherits").get("max.message.bytes").source())
                    .isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
            ConfigEntry ofThisBroker = describe(THIS_BROKER).get("message.max.bytes");
            assertThat(ofThisBroker.value()).isEqualTo("100000");
            assertThat(ofThisBroker.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
            assertThat(ofThisBroker.isReadOnly()).isFalse();
            assertThat(describe(CLUSTER_DEFAULT).entries())
                    .extracting(ConfigEntry::name, ConfigEntry::value, ConfigEntry::source)
                    .containsExactly(tuple("message.max.bytes", "1024", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));

            alter(THIS_BROKER, op(OpType.DELETE, "message.max.bytes", null));
            assertThat(produce(producer, "inherits")).isInstanceOf(RecordTooLargeException.class);
            alter(CLUSTER_DEFAULT, op(OpType.DELETE, "message.max.bytes", null));
            assertThat(produce(producer, "inherits")).isNull();
            assertThat(describe(THIS_BROKER).get("message.max.bytes").source())
                    .isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(describe(CLUSTER_DEFAULT).entries()).isEmpty();
        }
    }

    @Test
    void newSegmentSizeAndRetentionDefaultsRollAndExpireTopicsWithoutOverrides() {
        Clients.createTopic(broker.admin(), "expires", 1, Map.of());
        Clients.createTopic(broker.admin(), "kept", 1, Map.of("retention.ms", "-1"));
        alter(CLUSTER_DEFAULT, op(OpType.SET, "log.segment.bytes", "1024"));
        alter(THIS_BROKER, op(OpType.SET, "log.retention.ms", "2000"));

        int records = 30;
        produceOneBatchPerRecord("expires", records);
        produceOneBatchPerRecord("kept", records);

        // Retention deletes only rolled segments: with the 1 GiB segments of before, nothing would go.
        TopicPartition expires = new TopicPartition("expires", 0);
        long earliest = Await.value(
                "the new defaults to roll and then expire segments of 'expires'",
                RETENTION_DEADLINE,
                () -> offset(expires, OffsetSpec.earliest()),
                offset -> offset > 0);
        assertThat(earliest).isLessThanOrEqualTo(records);
        assertThat(offset(new TopicPartition("kept", 0), OffsetSpec.earliest())).isZero();
        assertThat(topicConfig("expires").get("segment.bytes").value()).isEqualTo("1024");
        assertThat(topicConfig("expires").get("retention.ms").source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
    }

    @Test
    void atMaxConnectionsNewClientsWaitAndAnAddressOverItsLimitIsRefused() throws Exception {
        Admin admin = broker.admin();
        // The admin client holds its connections before the limit applies.
        Clients.await(admin.describeCluster().nodes());
        describe(THIS_BROKER);
        alter(THIS_BROKER, op(OpType.SET, "max.connections", "1"));

        try (Admin waiting = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                1000))) {
            assertThat(Clients.failure(waiting.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                            .nodes()))
                    .isInstanceOf(TimeoutException.class);

            alter(THIS_BROKER, op(OpType.DELETE, "max.connections", null));
            assertThat(Clients.await(waiting.describeCluster().nodes())).hasSize(1);
        }

        // Only the listed address may connect: 127.0.0.2, another client address, is refused.
        InetAddress other = InetAddress.getByName("127.0.0.2");
        alter(
                CLUSTER_DEFAULT,
                op(OpType.SET, "max.connections.per.ip", "0"),
                op(OpType.SET, "max.connections.per.ip.overrides", "127.0.0.1:1000"));
        try (RawKafkaConnection refused = connectFrom(other)) {
            assertThat(refused.closedByPeer()).isTrue();
        }
        alter(CLUSTER_DEFAULT, op(OpType.SET, "max.connections.per.ip.overrides", "127.0.0.1:1000,127.0.0.2:1"));
        try (RawKafkaConnection admitted = connectFrom(other);
                RawKafkaConnection secondFromThere = connectFrom(other)) {
            assertThat(admitted.apiVersions().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(secondFromThere.closedByPeer()).isTrue();
        }
    }

    @Test
    void dynamicValuesSurviveARestart() {
        alter(CLUSTER_DEFAULT, op(OpType.SET, "log.retention.bytes", "123456789"));
        alter(
                THIS_BROKER,
                op(OpType.SET, "message.max.bytes", "1024"),
                op(OpType.SET, "custom.plugin.setting", "secret"));

        broker.stop();
        broker.restart();

        Config ofThisBroker = describe(THIS_BROKER);
        assertThat(ofThisBroker.get("message.max.bytes").value()).isEqualTo("1024");
        assertThat(ofThisBroker.get("message.max.bytes").source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(ofThisBroker.get("log.retention.bytes").value()).isEqualTo("123456789");
        assertThat(ofThisBroker.get("log.retention.bytes").source())
                .isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        // As Kafka shows a custom broker config: no value, sensitive, read-only.
        ConfigEntry custom = ofThisBroker.get("custom.plugin.setting");
        assertThat(custom.value()).isNull();
        assertThat(custom.isSensitive()).isTrue();
        assertThat(custom.isReadOnly()).isTrue();
        Clients.createTopic(broker.admin(), "after-restart", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            assertThat(produce(producer, "after-restart")).isInstanceOf(RecordTooLargeException.class);
        }
    }

    @Test
    void eachResourceOfARequestIsAnsweredOnItsOwnAsKafkaAnswersIt() throws Exception {
        Clients.createTopic(broker.admin(), "mixed", 1, Map.of());
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "mixed");
        AlterConfigsResult result = broker.admin()
                .incrementalAlterConfigs(Map.of(
                        CLUSTER_DEFAULT,
                        List.of(op(OpType.SET, "log.cleaner.backoff.ms", "5000")),
                        THIS_BROKER,
                        List.of(op(OpType.SET, "log.retention.ms", "1000"), op(OpType.SET, "log.dirs", "/elsewhere")),
                        topic,
                        List.of(op(OpType.SET, "retention.ms", "2000"))));

        Clients.await(result.values().get(CLUSTER_DEFAULT));
        Clients.await(result.values().get(topic));
        assertThat(Clients.failure(result.values().get(THIS_BROKER)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Cannot update these configs dynamically: [log.dirs]");
        assertThat(describe(CLUSTER_DEFAULT).get("log.cleaner.backoff.ms").value())
                .isEqualTo("5000");
        assertThat(describe(THIS_BROKER).get("log.retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(topicConfig("mixed").get("retention.ms").value()).isEqualTo("2000");

        assertThat(failure(THIS_BROKER, op(OpType.SET, "log.retention.ms", "soon")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid value soon for configuration log.retention.ms: Not a number of type LONG");
        assertThat(failure(THIS_BROKER, op(OpType.APPEND, "log.retention.ms", "5")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Config value append is not allowed for config key: log.retention.ms");

        Clients.await(broker.admin()
                .incrementalAlterConfigs(
                        Map.of(THIS_BROKER, List.of(op(OpType.SET, "message.max.bytes", "1024"))),
                        new AlterConfigsOptions().validateOnly(true))
                .all());
        assertThat(describe(THIS_BROKER).get("message.max.bytes").source())
                .isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void legacyAlterConfigsReplacesAllValuesOfABrokerResource() throws Exception {
        alter(CLUSTER_DEFAULT, op(OpType.SET, "log.retention.bytes", "123456789"));

        AlterConfigsResponseData response = legacyAlterConfigs(
                Map.of("", Map.of("log.cleaner.backoff.ms", "1000"), "0", Map.of("log.retention.hours", "1")));

        assertThat(response.responses())
                .extracting(r -> r.resourceName(), r -> Errors.forCode(r.errorCode()), r -> r.errorMessage())
                .containsExactlyInAnyOrder(
                        tuple("", Errors.NONE, null),
                        tuple(
                                "0",
                                Errors.INVALID_REQUEST,
                                "Cannot update these configs dynamically: [log.retention.hours]"));
        assertThat(describe(CLUSTER_DEFAULT).entries())
                .extracting(ConfigEntry::name, ConfigEntry::value)
                .containsExactly(tuple("log.cleaner.backoff.ms", "1000"));
    }

    @Test
    void kafkaConfigsAltersAndDescribesBrokers() {
        ProcessResult defaults = configs(
                "--entity-type", "brokers", "--entity-default", "--alter", "--add-config", "log.retention.ms=7200000");
        assertThat(defaults.exitCode()).as(defaults.describe()).isZero();
        assertThat(defaults.stdout()).contains("Completed updating default config for brokers in the cluster.");
        ProcessResult own = configs(
                "--entity-type", "brokers", "--entity-name", "0", "--alter", "--add-config", "max.connections=1000");
        assertThat(own.exitCode()).as(own.describe()).isZero();
        assertThat(own.stdout()).contains("Completed updating config for broker 0.");

        ProcessResult described = configs("--entity-type", "brokers", "--entity-name", "0", "--describe");
        assertThat(described.exitCode()).as(described.describe()).isZero();
        assertThat(described.stdout())
                .contains("Dynamic configs for broker 0 are:")
                .contains("max.connections=1000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:max.connections=1000,"
                        + " DEFAULT_CONFIG:max.connections=2147483647}");
        ProcessResult describedDefaults = configs("--entity-type", "brokers", "--entity-default", "--describe");
        assertThat(describedDefaults.stdout())
                .contains("Default configs for brokers in the cluster are:")
                .contains("log.retention.ms=7200000 sensitive=false"
                        + " synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000}");

        ProcessResult readOnly = configs(
                "--entity-type", "brokers", "--entity-name", "0", "--alter", "--add-config", "log.dirs=/elsewhere");
        assertThat(readOnly.exitCode()).as(readOnly.describe()).isNotZero();
        assertThat(readOnly.stdout() + readOnly.stderr())
                .contains("InvalidRequestException: Cannot update these configs dynamically: [log.dirs]");

        ProcessResult deleted = configs(
                "--entity-type", "brokers", "--entity-name", "0", "--alter", "--delete-config", "max.connections");
        assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
        assertThat(describe(THIS_BROKER).get("max.connections").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    private static ProcessResult configs(String... args) {
        return KafkaCli.runAgainst(broker.bootstrap(), KafkaCli.CONFIG_COMMAND, args);
    }

    private static AlterConfigOp op(OpType type, String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), type);
    }

    private static void alter(ConfigResource resource, AlterConfigOp... ops) {
        Clients.await(broker.admin()
                .incrementalAlterConfigs(Map.of(resource, Arrays.asList(ops)))
                .all());
    }

    private static Throwable failure(ConfigResource resource, AlterConfigOp... ops) {
        return Clients.failure(broker.admin()
                .incrementalAlterConfigs(Map.of(resource, Arrays.asList(ops)))
                .all());
    }

    /** A broker resource's configs with their synonyms. */
    private static Config describe(ConfigResource resource) {
        return Clients.await(broker.admin()
                        .describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                        .all())
                .get(resource);
    }

    private static Config topicConfig(String topic) {
        return describe(new ConfigResource(ConfigResource.Type.TOPIC, topic));
    }

    /** Legacy AlterConfigs (which the 4.x AdminClient no longer sends) of broker resources by name. */
    private static AlterConfigsResponseData legacyAlterConfigs(Map<String, Map<String, String>> configsByName)
            throws Exception {
        Collection<AlterConfigsRequestData.AlterConfigsResource> resources = new ArrayList<>();
        configsByName.forEach((name, configs) -> {
            List<AlterConfigsRequestData.AlterableConfig> alterable = new ArrayList<>();
            configs.forEach((key, value) -> alterable.add(
                    new AlterConfigsRequestData.AlterableConfig().setName(key).setValue(value)));
            resources.add(new AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(ConfigResource.Type.BROKER.id())
                    .setResourceName(name)
                    .setConfigs(new AlterConfigsRequestData.AlterableConfigCollection(alterable.iterator())));
        });
        AlterConfigsRequestData request = new AlterConfigsRequestData()
                .setResources(new AlterConfigsRequestData.AlterConfigsResourceCollection(resources.iterator()));
        try (RawKafkaConnection connection =
                RawKafkaConnection.open(BrokerProcess.HOST, broker.port(), Duration.ofSeconds(30))) {
            short version = RawKafkaConnection.newestCommonVersion(connection.apiVersions(), ApiKeys.ALTER_CONFIGS);
            return (AlterConfigsResponseData) connection.send(request, version);
        }
    }

    private static RawKafkaConnection connectFrom(InetAddress from) throws Exception {
        return RawKafkaConnection.open(from, BrokerProcess.HOST, broker.port(), Duration.ofSeconds(10));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return Clients.producer(broker.bootstrap(), config);
    }

    /** Sends one large record: null when it was accepted, else why not. */
    private static Throwable produce(KafkaProducer<byte[], byte[]> producer, String topic) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, null, LARGE)).get(60, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("Producing to " + topic + " did not finish", e);
        }
    }

    /** Writes {@code records} records of 100 bytes, each acknowledged before the next, so each is its own batch. */
    private static void produceOneBatchPerRecord(String topic, int records) {
        Map<String, Object> config = Map.of(ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.BATCH_SIZE_CONFIG, 1);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(), config)) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[100]))
                        .get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("Producing to " + topic + " failed", e);
        }
    }

    private static long offset(TopicPartition tp, OffsetSpec spec) {
        return Clients.await(broker.admin().listOffsets(Map.of(tp, spec)).partitionResult(tp))
                .offset();
    }
}
