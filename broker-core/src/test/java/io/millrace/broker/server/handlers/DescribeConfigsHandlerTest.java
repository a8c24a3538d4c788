package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig.Level;
import io.millrace.broker.log.LogConfig;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DescribeConfigsHandlerTest {

    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();
    private static final byte BROKER = ConfigResource.Type.BROKER.id();

    private AdminHandlerFixture fixture;

    @AfterEach
    void tearDown() throws IOException {
        if (fixture != null) {
            fixture.close();
        }
    }

    private DescribeConfigsHandler handler(Map<String, String> brokerSettings) {
        fixture = new AdminHandlerFixture(brokerSettings);
        return new DescribeConfigsHandler(fixture.topics, fixture.brokerConfig);
    }

    private DescribeConfigsResponseData describe(
            DescribeConfigsHandler handler,
            short version,
            boolean synonyms,
            boolean docs,
            DescribeConfigsResource... resources) {
        DescribeConfigsRequestData data = new DescribeConfigsRequestData()
                .setResources(Arrays.asList(resources))
                .setIncludeSynonyms(synonyms)
                .setIncludeDocumentation(docs);
        DescribeConfigsRequest request = new DescribeConfigsRequest.Builder(data).build(version);
        return fixture.call(handler, request, DescribeConfigsResponseData.class);
    }

    /** The result for {@code resource} alone, described at v4 without documentation. */
    private DescribeConfigsResult describeOne(
            DescribeConfigsHandler handler, boolean synonyms, DescribeConfigsResource resource) {
        List<DescribeConfigsResult> results =
                describe(handler, (short) 4, synonyms, false, resource).results();
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private static DescribeConfigsResource resource(byte type, String name, String... keys) {
        return new DescribeConfigsResource()
                .setResourceType(type)
                .setResourceName(name)
                .setConfigurationKeys(keys.length == 0 ? null : Arrays.asList(keys));
    }

    private static DescribeConfigsResourceResult config(DescribeConfigsResult result, String name) {
        return result.configs().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no config " + name));
    }

    // --- topics

    @Test
    void topicWithoutOverridesShowsEveryTopicKeyWithBrokerDefaults() throws Exception {
        DescribeConfigsHandler handler = handler(Map.of());
        fixture.createTopic("orders", 1, Map.of());

        DescribeConfigsResult result = describeOne(handler, false, resource(TOPIC, "orders"));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.resourceName()).isEqualTo("orders");
        assertThat(result.resourceType()).isEqualTo(TOPIC);
        assertThat(result.configs())
                .extracting(DescribeConfigsResourceResult::name)
                .containsExactlyElementsOf(new TreeSet<>(LogConfig.DEFINITION.names()));
        assertThat(result.configs()).allSatisfy(c -> {
            assertThat(c.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
            assertThat(c.readOnly()).isFalse();
            assertThat(c.isSensitive()).isFalse();
            assertThat(c.synonyms()).isEmpty();
            assertThat(c.documentation()).isNull();
        });
        assertThat(config(result, "retention.ms").value()).isEqualTo("604800000");
        assertThat(config(result, "cleanup.policy").value()).isEqualTo("delete");
        assertThat(config(result, "cleanup.policy").configType()).isEqualTo(ConfigType.LIST.id());
        assertThat(config(result, "max.message.bytes").value()).isEqualTo("1048588");
    }

    static Stream<Arguments> topicKeySources() {
        return Stream.of(
                argumentSet(
                        "a topic override comes first, then the static broker setting, then the default",
                        Map.of(BrokerConfig.LOG_SEGMENT_BYTES, "8192"),
                        Map.of("segment.bytes", "4096"),
                        "segment.bytes",
                        "4096",
                        ConfigSource.TOPIC_CONFIG,
                        List.of(
                                tuple("segment.bytes", "4096", ConfigSource.TOPIC_CONFIG.id()),
                                tuple("log.segment.bytes", "8192", ConfigSource.STATIC_BROKER_CONFIG.id()),
                                tuple("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG.id()))),
                argumentSet(
                        "an explicit broker setting is the static broker config of topics without override",
                        Map.of(BrokerConfig.MESSAGE_MAX_BYTES, "2000000"),
                        Map.of(),
                        "max.message.bytes",
                        "2000000",
                        ConfigSource.STATIC_BROKER_CONFIG,
                        List.of(
                                tuple("message.max.bytes", "2000000", ConfigSource.STATIC_BROKER_CONFIG.id()),
                                tuple("message.max.bytes", "1048588", ConfigSource.DEFAULT_CONFIG.id()))),
                argumentSet(
                        "retention.ms takes its source from log.retention.hours",
                        Map.of(BrokerConfig.LOG_RETENTION_HOURS, "24"),
                        Map.of(),
                        "retention.ms",
                        "86400000",
                        ConfigSource.STATIC_BROKER_CONFIG,
                        List.of(
                                tuple("log.retention.hours", "24", ConfigSource.STATIC_BROKER_CONFIG.id()),
                                tuple("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG.id()))));
    }

    /** A topic key's value, source and synonym chain (name, value, source), among every key described. */
    @ParameterizedTest
    @MethodSource("topicKeySources")
    void topicKeySourceAndSynonyms(
            Map<String, String> brokerSettings,
            Map<String, String> overrides,
            String key,
            String value,
            ConfigSource source,
            List<Tuple> synonyms)
            throws Exception {
        DescribeConfigsHandler handler = handler(brokerSettings);
        fixture.createTopic("orders", 1, overrides);

        DescribeConfigsResourceResult described = config(describeOne(handler, true, resource(TOPIC, "orders")), key);

        assertThat(described.value()).isEqualTo(value);
        assertThat(described.configSource()).isEqualTo(source.id());
        assertThat(described.synonyms())
                .extracting(DescribeConfigsSynonym::name, DescribeConfigsSynonym::value, DescribeConfigsSynonym::source)
                .containsExactlyElementsOf(synonyms);
    }

    @Test
    void onlyRequestedTopicKeysAreDescribedAndUnknownKeysAreLeftOut() throws Exception {
        DescribeConfigsHandler handler = handler(Map.of());
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000"));

        DescribeConfigsResult result =
                describeOne(handler, false, resource(TOPIC, "orders", "retention.ms", "no.such.key", "cleanup.policy"));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.configs())
                .extracting(DescribeConfigsResourceResult::name, DescribeConfigsResourceResult::value)
                .containsExactly(tuple("cleanup.policy", "delete"), tuple("retention.ms", "1000"));
    }

    @Test
    void unknownTopicIsUnknownTopicOrPartitionWithMessage() {
        DescribeConfigsHandler handler = handler(Map.of());

        DescribeConfigsResult result = describeOne(handler, false, resource(TOPIC, "nope"));

        assertThat(result.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(result.errorMessage()).contains("nope");
        assertThat(result.configs()).isEmpty();
        assertThat(result.resourceName()).isEqualTo("nope");
    }

    @Test
    void illegalTopicNameIsInvalidTopic() {
        DescribeConfigsHandler handler = handler(Map.of());

        DescribeConfigsResult result = describeOne(handler, false, resource(TOPIC, "bad/name"));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
    }

    // --- broker

    @Test
    void brokerShowsEveryBrokerKeyWithSourcesReadOnlyUnlessDynamic() {
        DescribeConfigsHandler handler = handler(Map.of(BrokerConfig.NUM_PARTITIONS, "3"));

        DescribeConfigsResult result = describeOne(handler, false, resource(BROKER, "0"));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.configs())
                .extracting(DescribeConfigsResourceResult::name)
                .containsExactlyElementsOf(new TreeSet<>(BrokerConfig.DEFINITION.names()));
        assertThat(result.configs())
                .allSatisfy(c -> assertThat(c.readOnly()).isEqualTo(!DynamicBrokerConfig.isDynamic(c.name())));
        assertThat(result.configs())
                .filteredOn(c -> !c.readOnly())
                .extracting(DescribeConfigsResourceResult::name)
                .contains(
                        BrokerConfig.LOG_RETENTION_MS,
                        BrokerConfig.MESSAGE_MAX_BYTES,
                        BrokerConfig.LOG_CLEANER_THREADS,
                        BrokerConfig.MAX_CONNECTIONS)
                .doesNotContain(BrokerConfig.LOG_RETENTION_HOURS, BrokerConfig.LOG_DIRS, BrokerConfig.NUM_PARTITIONS);
        DescribeConfigsResourceResult partitions = config(result, BrokerConfig.NUM_PARTITIONS);
        assertThat(partitions.value()).isEqualTo("3");
        assertThat(partitions.configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
        assertThat(partitions.configType()).isEqualTo(ConfigType.INT.id());
        DescribeConfigsResourceResult autoCreate = config(result, BrokerConfig.AUTO_CREATE_TOPICS_ENABLE);
        assertThat(autoCreate.value()).isEqualTo("true");
        assertThat(autoCreate.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
        assertThat(autoCreate.configType()).isEqualTo(ConfigType.BOOLEAN.id());
        DescribeConfigsResourceResult retentionMs = config(result, BrokerConfig.LOG_RETENTION_MS);
        assertThat(retentionMs.value()).isNull();
        assertThat(retentionMs.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
        assertThat(config(result, BrokerConfig.DEFAULT_REPLICATION_FACTOR).configType())
                .isEqualTo(ConfigType.SHORT.id());
        assertThat(config(result, BrokerConfig.LISTENERS).configType()).isEqualTo(ConfigType.LIST.id());
    }

    @Test
    void brokerSynonymsOfAKeyStartAtTheKeyItself() {
        DescribeConfigsHandler handler = handler(Map.of(BrokerConfig.LOG_RETENTION_MS, "5000"));

        DescribeConfigsResult result = describeOne(
                handler, true, resource(BROKER, "0", BrokerConfig.LOG_RETENTION_MS, BrokerConfig.LOG_RETENTION_HOURS));

        DescribeConfigsResourceResult ms = config(result, BrokerConfig.LOG_RETENTION_MS);
        assertThat(ms.value()).isEqualTo("5000");
        assertThat(ms.configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
        assertThat(ms.synonyms())
                .extracting(DescribeConfigsSynonym::name, DescribeConfigsSynonym::value, DescribeConfigsSynonym::source)
                .containsExactly(
                        tuple("log.retention.ms", "5000", ConfigSource.STATIC_BROKER_CONFIG.id()),
                        tuple("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG.id()));
        DescribeConfigsResourceResult hours = config(result, BrokerConfig.LOG_RETENTION_HOURS);
        assertThat(hours.configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
        assertThat(hours.synonyms())
                .extracting(DescribeConfigsSynonym::name, DescribeConfigsSynonym::source)
                .containsExactly(tuple("log.retention.hours", ConfigSource.DEFAULT_CONFIG.id()));
    }

    @Test
    void synonymsAndDocumentationOnlyWhenAskedFor() {
        DescribeConfigsHandler handler = handler(Map.of());

        DescribeConfigsResourceResult plain = describe(
                        handler, (short) 4, false, false, resource(BROKER, "0", BrokerConfig.NUM_PARTITIONS))
                .results()
                .get(0)
                .configs()
                .get(0);
        DescribeConfigsResourceResult rich = describe(
                        handler, (short) 4, true, true, resource(BROKER, "0", BrokerConfig.NUM_PARTITIONS))
                .results()
                .get(0)
                .configs()
                .get(0);

        assertThat(plain.synonyms()).isEmpty();
        assertThat(plain.documentation()).isNull();
        assertThat(rich.synonyms())
                .extracting(DescribeConfigsSynonym::source)
                .containsExactly(ConfigSource.DEFAULT_CONFIG.id());
        assertThat(rich.documentation())
                .isEqualTo(BrokerConfig.DEFINITION.configKeys().get(BrokerConfig.NUM_PARTITIONS).documentation);
    }

    @Test
    void dynamicValuesComeFirstInBrokerSynonymsAndTheClusterDefaultsShowOnlyThemselves() {
        DescribeConfigsHandler handler = handler(Map.of(BrokerConfig.LOG_RETENTION_BYTES, "6000000"));
        fixture.brokerConfig.alter(
                Level.CLUSTER_DEFAULT,
                current -> Map.of(
                        BrokerConfig.LOG_RETENTION_BYTES,
                        "7000000",
                        BrokerConfig.LOG_RETENTION_MS,
                        "3600000",
                        "custom.plugin.setting",
                        "secret"),
                false);
        fixture.brokerConfig.alter(Level.BROKER, current -> Map.of(BrokerConfig.LOG_RETENTION_BYTES, "5000000"), false);

        DescribeConfigsResult node = describeOne(handler, true, resource(BROKER, "0"));
        DescribeConfigsResult cluster = describeOne(handler, true, resource(BROKER, ""));

        DescribeConfigsResourceResult bytes = config(node, BrokerConfig.LOG_RETENTION_BYTES);
        assertThat(bytes.value()).isEqualTo("5000000");
        assertThat(bytes.configSource()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG.id());
        assertThat(bytes.readOnly()).isFalse();
        assertThat(bytes.synonyms())
                .extracting(DescribeConfigsSynonym::name, DescribeConfigsSynonym::value, DescribeConfigsSynonym::source)
                .containsExactly(
                        tuple("log.retention.bytes", "5000000", ConfigSource.DYNAMIC_BROKER_CONFIG.id()),
                        tuple("log.retention.bytes", "7000000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id()),
                        tuple("log.retention.bytes", "6000000", ConfigSource.STATIC_BROKER_CONFIG.id()),
                        tuple("log.retention.bytes", "-1", ConfigSource.DEFAULT_CONFIG.id()));
        DescribeConfigsResourceResult ms = config(node, BrokerConfig.LOG_RETENTION_MS);
        assertThat(ms.value()).isEqualTo("3600000");
        assertThat(ms.configSource()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id());
        assertThat(ms.synonyms())
                .extracting(DescribeConfigsSynonym::name, DescribeConfigsSynonym::source)
                .containsExactly(
                        tuple("log.retention.ms", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id()),
                        tuple("log.retention.hours", ConfigSource.DEFAULT_CONFIG.id()));
        // As Kafka: a custom key is shown without its value, as sensitive and read-only.
        DescribeConfigsResourceResult custom = config(node, "custom.plugin.setting");
        assertThat(custom.value()).isNull();
        assertThat(custom.isSensitive()).isTrue();
        assertThat(custom.readOnly()).isTrue();
        assertThat(custom.configSource()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id());
        assertThat(custom.configType()).isEqualTo(ConfigType.UNKNOWN.id());

        assertThat(cluster.configs())
                .extracting(
                        DescribeConfigsResourceResult::name,
                        DescribeConfigsResourceResult::value,
                        DescribeConfigsResourceResult::configSource,
                        DescribeConfigsResourceResult::readOnly)
                .containsExactly(
                        tuple("custom.plugin.setting", null, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id(), true),
                        tuple("log.retention.bytes", "7000000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id(), false),
                        tuple("log.retention.ms", "3600000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id(), false));
        assertThat(config(cluster, BrokerConfig.LOG_RETENTION_BYTES).synonyms())
                .extracting(DescribeConfigsSynonym::value, DescribeConfigsSynonym::source)
                .containsExactly(tuple("7000000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id()));
    }

    @Test
    void aTopicWithoutOverrideShowsTheDynamicDefaultItInheritsAsItsSource() throws Exception {
        DescribeConfigsHandler handler = handler(Map.of(BrokerConfig.LOG_SEGMENT_BYTES, "8192"));
        fixture.createTopic("plain", 1, Map.of());
        fixture.createTopic("own", 1, Map.of(LogConfig.SEGMENT_BYTES, "4096"));
        fixture.brokerConfig.alter(
                Level.CLUSTER_DEFAULT, current -> Map.of(BrokerConfig.LOG_SEGMENT_BYTES, "16384"), false);
        fixture.brokerConfig.alter(Level.BROKER, current -> Map.of(BrokerConfig.LOG_RETENTION_MS, "60000"), false);

        DescribeConfigsResult plain = describeOne(handler, true, resource(TOPIC, "plain"));
        DescribeConfigsResult own = describeOne(handler, true, resource(TOPIC, "own", LogConfig.SEGMENT_BYTES));

        DescribeConfigsResourceResult segment = config(plain, LogConfig.SEGMENT_BYTES);
        assertThat(segment.value()).isEqualTo("16384");
        assertThat(segment.configSource()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id());
        assertThat(segment.synonyms())
                .extracting(DescribeConfigsSynonym::name, DescribeConfigsSynonym::value, DescribeConfigsSynonym::source)
                .containsExactly(
                        tuple("log.segment.bytes", "16384", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id()),
                        tuple("log.segment.bytes", "8192", ConfigSource.STATIC_BROKER_CONFIG.id()),
                        tuple("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG.id()));
        DescribeConfigsResourceResult retention = config(plain, LogConfig.RETENTION_MS);
        assertThat(retention.value()).isEqualTo("60000");
        assertThat(retention.configSource()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG.id());
        DescribeConfigsResourceResult ownSegment = config(own, LogConfig.SEGMENT_BYTES);
        assertThat(ownSegment.value()).isEqualTo("4096");
        assertThat(ownSegment.configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id());
        assertThat(ownSegment.synonyms())
                .extracting(DescribeConfigsSynonym::source)
                .containsExactly(
                        ConfigSource.TOPIC_CONFIG.id(),
                        ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id(),
                        ConfigSource.STATIC_BROKER_CONFIG.id(),
                        ConfigSource.DEFAULT_CONFIG.id());
    }

    @Test
    void emptyBrokerNameDescribesTheEmptySetOfDynamicDefaults() {
        DescribeConfigsHandler handler = handler(Map.of());

        DescribeConfigsResult result = describeOne(handler, false, resource(BROKER, ""));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.configs()).isEmpty();
    }

    @Test
    void anotherBrokerIdIsInvalidRequest() {
        DescribeConfigsHandler handler = handler(Map.of());

        DescribeConfigsResponseData response =
                describe(handler, (short) 4, false, false, resource(BROKER, "5"), resource(BROKER, "zero"));

        assertThat(response.results())
                .extracting(DescribeConfigsResult::errorCode)
                .containsExactly(Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code());
        assertThat(response.results().get(0).errorMessage()).contains("expected 0");
        assertThat(response.results().get(1).errorMessage()).contains("must be an integer");
    }

    @Test
    void unsupportedResourceTypesFailOnlyTheirOwnResource() {
        DescribeConfigsHandler handler = handler(Map.of());

        DescribeConfigsResponseData response = describe(
                handler,
                (short) 4,
                false,
                false,
                resource(ConfigResource.Type.BROKER_LOGGER.id(), "0"),
                resource(ConfigResource.Type.GROUP.id(), "g"),
                resource(ConfigResource.Type.CLIENT_METRICS.id(), "m"),
                resource((byte) 99, "x"),
                resource(BROKER, "0", BrokerConfig.NODE_ID));

        List<DescribeConfigsResult> results = response.results();
        assertThat(results)
                .extracting(DescribeConfigsResult::errorCode)
                .containsExactly(
                        Errors.INVALID_REQUEST.code(),
                        Errors.INVALID_REQUEST.code(),
                        Errors.INVALID_REQUEST.code(),
                        Errors.INVALID_REQUEST.code(),
                        Errors.NONE.code());
        assertThat(results.subList(0, 4))
                .allSatisfy(r -> assertThat(r.errorMessage()).isNotBlank());
        assertThat(results.get(1).errorMessage()).contains("GROUP");
        assertThat(results.get(4).configs())
                .extracting(DescribeConfigsResourceResult::value)
                .containsExactly("0");
    }

    @ParameterizedTest
    @ValueSource(shorts = {1, 2, 3, 4})
    void everySupportedVersionEncodes(short version) {
        DescribeConfigsHandler handler = handler(Map.of(BrokerConfig.NUM_PARTITIONS, "2"));

        DescribeConfigsResult result = describe(handler, version, true, version >= 3, resource(BROKER, "0"))
                .results()
                .get(0);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(config(result, BrokerConfig.NUM_PARTITIONS).synonyms()).isNotEmpty();
    }
}
