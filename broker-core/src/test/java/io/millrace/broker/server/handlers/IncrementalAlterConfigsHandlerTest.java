package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.millrace.broker.common.config.DynamicBrokerConfig.Level;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IncrementalAlterConfigsHandlerTest {

    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();
    private static final byte BROKER = ConfigResource.Type.BROKER.id();

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private final IncrementalAlterConfigsHandler handler =
            new IncrementalAlterConfigsHandler(fixture.topics, fixture.brokerConfig, AdminHandlerFixture.INLINE);

    private static AlterConfigsResource resource(byte type, String name, AlterableConfig... ops) {
        AlterConfigsResource r =
                new AlterConfigsResource().setResourceType(type).setResourceName(name);
        for (AlterableConfig op : ops) {
            r.configs().add(op);
        }
        return r;
    }

    private static AlterableConfig op(String key, OpType type, String value) {
        return new AlterableConfig().setName(key).setConfigOperation(type.id()).setValue(value);
    }

    private AlterConfigsResourceResponse alterOne(boolean validateOnly, AlterConfigsResource resource) {
        IncrementalAlterConfigsResponseData response = alter(validateOnly, resource);
        assertThat(response.responses()).hasSize(1);
        return response.responses().get(0);
    }

    private IncrementalAlterConfigsResponseData alter(boolean validateOnly, AlterConfigsResource... resources) {
        IncrementalAlterConfigsRequestData data =
                new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource r : resources) {
            data.resources().add(r);
        }
        IncrementalAlterConfigsRequest request = new IncrementalAlterConfigsRequest.Builder(data).build((short) 1);
        return fixture.call(handler, request, IncrementalAlterConfigsResponseData.class);
    }

    /**
     * One request altering topic "orders", created with the overrides {@code before}: the error it
     * is answered with, a part of the message (null: no message) and the overrides it leaves.
     */
    record TopicAlteration(
            Map<String, String> before,
            boolean validateOnly,
            List<AlterableConfig> ops,
            Errors error,
            String messagePart,
            Map<String, String> after) {}

    static Stream<Arguments> topicAlterations() {
        return Stream.of(
                argumentSet(
                        "set and delete change only the named keys",
                        new TopicAlteration(
                                Map.of("retention.ms", "1000", "segment.bytes", "4096"),
                                false,
                                List.of(
                                        op("retention.ms", OpType.SET, "2000"),
                                        op("segment.bytes", OpType.DELETE, null)),
                                Errors.NONE,
                                null,
                                Map.of("retention.ms", "2000"))),
                argumentSet(
                        "deleting a key without override succeeds and changes nothing",
                        new TopicAlteration(
                                Map.of("retention.ms", "1000"),
                                false,
                                List.of(op("segment.bytes", OpType.DELETE, null)),
                                Errors.NONE,
                                null,
                                Map.of("retention.ms", "1000"))),
                argumentSet(
                        "append without override starts from the value in effect",
                        new TopicAlteration(
                                Map.of(),
                                false,
                                List.of(op("cleanup.policy", OpType.APPEND, "delete")),
                                Errors.NONE,
                                null,
                                Map.of("cleanup.policy", "delete"))),
                argumentSet(
                        "an appended list is validated like any value",
                        new TopicAlteration(
                                Map.of(),
                                false,
                                List.of(op("cleanup.policy", OpType.APPEND, "shred")),
                                Errors.INVALID_CONFIG,
                                "shred",
                                Map.of())),
                argumentSet(
                        "subtract removes from the list",
                        new TopicAlteration(
                                Map.of("cleanup.policy", "delete"),
                                false,
                                List.of(op("cleanup.policy", OpType.SUBTRACT, "delete")),
                                Errors.NONE,
                                null,
                                Map.of("cleanup.policy", ""))),
                argumentSet(
                        "one bad operation fails the whole resource",
                        new TopicAlteration(
                                Map.of("retention.ms", "1000"),
                                false,
                                List.of(
                                        op("retention.ms", OpType.SET, "2000"),
                                        op("segment.bytes", OpType.SET, "tiny")),
                                Errors.INVALID_CONFIG,
                                "segment.bytes",
                                Map.of("retention.ms", "1000"))),
                argumentSet(
                        "validate only checks without changing",
                        new TopicAlteration(
                                Map.of("retention.ms", "1000"),
                                true,
                                List.of(op("retention.ms", OpType.SET, "2000")),
                                Errors.NONE,
                                null,
                                Map.of("retention.ms", "1000"))));
    }

    @ParameterizedTest
    @MethodSource("topicAlterations")
    void alteringATopic(TopicAlteration c) throws Exception {
        fixture.createTopic("orders", 1, c.before());

        AlterConfigsResourceResponse result =
                alterOne(c.validateOnly(), resource(TOPIC, "orders", c.ops().toArray(AlterableConfig[]::new)));

        assertThat(result.errorCode()).isEqualTo(c.error().code());
        if (c.messagePart() == null) {
            assertThat(result.errorMessage()).isNull();
        } else {
            assertThat(result.errorMessage()).contains(c.messagePart());
        }
        assertThat(fixture.overrides("orders")).isEqualTo(c.after());
    }

    /** One resource the handler refuses (topic "orders" exists, without overrides): error and message. */
    static Stream<Arguments> refusals() {
        return Stream.of(
                argumentSet(
                        "append to a non-list key is invalid config",
                        resource(TOPIC, "orders", op("retention.ms", OpType.APPEND, "5")),
                        Errors.INVALID_CONFIG,
                        "Can't APPEND to key retention.ms because its type is not LIST."),
                argumentSet(
                        "subtract from an unknown key is invalid config even before the topic is looked up",
                        resource(TOPIC, "nope", op("no.such.key", OpType.SUBTRACT, "x")),
                        Errors.INVALID_CONFIG,
                        "Can't SUBTRACT to key no.such.key because its type is not LIST."),
                argumentSet(
                        "the same key twice is invalid request",
                        resource(
                                TOPIC,
                                "orders",
                                op("retention.ms", OpType.SET, "1"),
                                op("retention.ms", OpType.DELETE, null)),
                        Errors.INVALID_REQUEST,
                        "Duplicate config keys in one resource: retention.ms"),
                argumentSet(
                        "a null value for SET is invalid request",
                        resource(TOPIC, "orders", op("retention.ms", OpType.SET, null)),
                        Errors.INVALID_REQUEST,
                        "Null value not supported for : retention.ms"),
                argumentSet(
                        "an unknown operation is invalid request",
                        resource(
                                TOPIC,
                                "orders",
                                new AlterableConfig()
                                        .setName("retention.ms")
                                        .setConfigOperation((byte) 9)
                                        .setValue("1")),
                        Errors.INVALID_REQUEST,
                        "Unknown operation type 9 for config key 'retention.ms'"),
                argumentSet(
                        "an unknown topic is unknown topic or partition",
                        resource(TOPIC, "nope", op("retention.ms", OpType.SET, "1")),
                        Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic 'nope' does not exist."),
                argumentSet(
                        "another broker id is invalid request",
                        resource(BROKER, "3", op("log.retention.ms", OpType.SET, "1000")),
                        Errors.INVALID_REQUEST,
                        "Unexpected broker id, expected 0, but received 3"));
    }

    /**
     * One request altering the BROKER resource {@code name}, after the dynamic values
     * {@code perBrokerBefore} and {@code clusterDefaultBefore} were set: the error it is answered
     * with, its message (null: none) and the dynamic values of that resource it leaves.
     */
    record BrokerAlteration(
            String name,
            Map<String, String> perBrokerBefore,
            Map<String, String> clusterDefaultBefore,
            boolean validateOnly,
            List<AlterableConfig> ops,
            Errors error,
            String message,
            Map<String, String> after) {}

    static Stream<Arguments> brokerAlterations() {
        return Stream.of(
                argumentSet(
                        "set and delete change only the named keys of this broker",
                        new BrokerAlteration(
                                "0",
                                Map.of("log.retention.ms", "1000", "message.max.bytes", "5000"),
                                Map.of(),
                                false,
                                List.of(
                                        op("log.retention.ms", OpType.SET, "2000"),
                                        op("message.max.bytes", OpType.DELETE, null),
                                        op("log.segment.bytes", OpType.DELETE, null)),
                                Errors.NONE,
                                null,
                                Map.of("log.retention.ms", "2000"))),
                argumentSet(
                        "the empty name sets the cluster defaults",
                        new BrokerAlteration(
                                "",
                                Map.of("log.retention.ms", "1000"),
                                Map.of(),
                                false,
                                List.of(op("log.retention.ms", OpType.SET, "3000")),
                                Errors.NONE,
                                null,
                                Map.of("log.retention.ms", "3000"))),
                argumentSet(
                        "a key the broker does not know is kept, as Kafka keeps custom configs",
                        new BrokerAlteration(
                                "",
                                Map.of(),
                                Map.of(),
                                false,
                                List.of(op("custom.plugin.setting", OpType.SET, "on")),
                                Errors.NONE,
                                null,
                                Map.of("custom.plugin.setting", "on"))),
                argumentSet(
                        "append without a value of its own starts from the cluster default",
                        new BrokerAlteration(
                                "0",
                                Map.of(),
                                Map.of("log.cleanup.policy", "compact"),
                                false,
                                List.of(op("log.cleanup.policy", OpType.APPEND, "delete")),
                                Errors.NONE,
                                null,
                                Map.of("log.cleanup.policy", "compact,delete"))),
                argumentSet(
                        "subtract removes from the level's own list",
                        new BrokerAlteration(
                                "",
                                Map.of(),
                                Map.of("log.cleanup.policy", "compact,delete"),
                                false,
                                List.of(op("log.cleanup.policy", OpType.SUBTRACT, "compact")),
                                Errors.NONE,
                                null,
                                Map.of("log.cleanup.policy", "delete"))),
                argumentSet(
                        "a read-only key fails the whole resource with Kafka's code and message",
                        new BrokerAlteration(
                                "0",
                                Map.of("log.retention.ms", "1000"),
                                Map.of(),
                                false,
                                List.of(
                                        op("log.retention.ms", OpType.SET, "2000"),
                                        op("num.partitions", OpType.SET, "3"),
                                        op("log.dirs", OpType.SET, "/elsewhere")),
                                Errors.INVALID_REQUEST,
                                "Cannot update these configs dynamically: [log.dirs, num.partitions]",
                                Map.of("log.retention.ms", "1000"))),
                argumentSet(
                        "deleting a read-only key that has no dynamic value changes nothing, as in Kafka",
                        new BrokerAlteration(
                                "0",
                                Map.of(),
                                Map.of(),
                                false,
                                List.of(op("log.dirs", OpType.DELETE, null)),
                                Errors.NONE,
                                null,
                                Map.of())),
                argumentSet(
                        "an invalid value is invalid request naming the key",
                        new BrokerAlteration(
                                "",
                                Map.of(),
                                Map.of(),
                                false,
                                List.of(op("log.segment.bytes", OpType.SET, "12")),
                                Errors.INVALID_REQUEST,
                                "Invalid value 12 for configuration log.segment.bytes: Value must be at least 1024",
                                Map.of())),
                argumentSet(
                        "values that contradict each other are invalid request",
                        new BrokerAlteration(
                                "",
                                Map.of(),
                                Map.of(),
                                false,
                                List.of(
                                        op("log.cleaner.min.compaction.lag.ms", OpType.SET, "10"),
                                        op("log.cleaner.max.compaction.lag.ms", OpType.SET, "5")),
                                Errors.INVALID_REQUEST,
                                "The broker defaults of topic settings would be invalid: Invalid value 10 for"
                                        + " configuration min.compaction.lag.ms: must not exceed"
                                        + " max.compaction.lag.ms=5",
                                Map.of())),
                argumentSet(
                        "append to a key that is not a list is invalid config",
                        new BrokerAlteration(
                                "0",
                                Map.of(),
                                Map.of(),
                                false,
                                List.of(op("log.retention.ms", OpType.APPEND, "5")),
                                Errors.INVALID_CONFIG,
                                "Config value append is not allowed for config key: log.retention.ms",
                                Map.of())),
                argumentSet(
                        "append to a key that is not a list is invalid config even when it has a value",
                        new BrokerAlteration(
                                "0",
                                Map.of("log.retention.ms", "1000"),
                                Map.of(),
                                false,
                                List.of(op("log.retention.ms", OpType.APPEND, "5")),
                                Errors.INVALID_CONFIG,
                                "Config value append is not allowed for config key: log.retention.ms",
                                Map.of("log.retention.ms", "1000"))),
                argumentSet(
                        "subtract from an unknown key is invalid config",
                        new BrokerAlteration(
                                "0",
                                Map.of(),
                                Map.of(),
                                false,
                                List.of(op("custom.list", OpType.SUBTRACT, "a")),
                                Errors.INVALID_CONFIG,
                                "Unknown config name: custom.list",
                                Map.of())),
                argumentSet(
                        "validate only checks without changing",
                        new BrokerAlteration(
                                "0",
                                Map.of("log.retention.ms", "1000"),
                                Map.of(),
                                true,
                                List.of(op("log.retention.ms", OpType.SET, "2000")),
                                Errors.NONE,
                                null,
                                Map.of("log.retention.ms", "1000"))));
    }

    @ParameterizedTest
    @MethodSource("brokerAlterations")
    void alteringTheBroker(BrokerAlteration c) {
        fixture.brokerConfig.alter(Level.BROKER, current -> c.perBrokerBefore(), false);
        fixture.brokerConfig.alter(Level.CLUSTER_DEFAULT, current -> c.clusterDefaultBefore(), false);

        AlterConfigsResourceResponse result =
                alterOne(c.validateOnly(), resource(BROKER, c.name(), c.ops().toArray(AlterableConfig[]::new)));

        assertThat(result.errorCode()).isEqualTo(c.error().code());
        assertThat(result.errorMessage()).isEqualTo(c.message());
        Level level = c.name().isEmpty() ? Level.CLUSTER_DEFAULT : Level.BROKER;
        assertThat(fixture.brokerConfig.snapshot().values(level)).isEqualTo(c.after());
    }

    @Test
    void aNewDefaultAppliesToTopicsWithoutTheirOwnValueAndThisBrokerOverridesTheClusterDefault() throws Exception {
        fixture.createTopic("plain", 2, Map.of());
        fixture.createTopic("own", 1, Map.of("max.message.bytes", "3000"));

        assertThat(alterOne(false, resource(BROKER, "", op("message.max.bytes", OpType.SET, "5000")))
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(maxMessageBytes("plain")).containsOnly(5000);
        assertThat(maxMessageBytes("own")).containsOnly(3000);

        assertThat(alterOne(false, resource(BROKER, "0", op("message.max.bytes", OpType.SET, "7000")))
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(maxMessageBytes("plain")).containsOnly(7000);

        assertThat(alterOne(false, resource(BROKER, "0", op("message.max.bytes", OpType.DELETE, null)))
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(maxMessageBytes("plain")).containsOnly(5000);
        assertThat(alterOne(false, resource(BROKER, "", op("message.max.bytes", OpType.DELETE, null)))
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(maxMessageBytes("plain")).containsOnly(1048588);
        assertThat(maxMessageBytes("own")).containsOnly(3000);
    }

    /** max.message.bytes in effect in each partition of the topic. */
    private List<Integer> maxMessageBytes(String topic) {
        return fixture.topics.existingTopic(topic).partitions().stream()
                .map(p -> p.config().maxMessageBytes())
                .toList();
    }

    @Test
    void resourcesOfOneRequestSucceedOrFailEachOnItsOwn() throws Exception {
        fixture.createTopic("orders", 1, Map.of());

        IncrementalAlterConfigsResponseData response = alter(
                false,
                resource(BROKER, "", op("log.retention.bytes", OpType.SET, "123456")),
                resource(
                        BROKER,
                        "0",
                        op("log.retention.ms", OpType.SET, "1000"),
                        op("log.dirs", OpType.SET, "/elsewhere")),
                resource(TOPIC, "orders", op("retention.ms", OpType.SET, "2000")));

        assertThat(response.responses())
                .extracting(AlterConfigsResourceResponse::resourceName, AlterConfigsResourceResponse::errorCode)
                .containsExactly(
                        tuple("", Errors.NONE.code()),
                        tuple("0", Errors.INVALID_REQUEST.code()),
                        tuple("orders", Errors.NONE.code()));
        assertThat(fixture.brokerConfig.snapshot().clusterDefault())
                .containsExactlyEntriesOf(Map.of("log.retention.bytes", "123456"));
        assertThat(fixture.brokerConfig.snapshot().perBroker()).isEmpty();
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("retention.ms", "2000"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refusedResource(AlterConfigsResource resource, Errors error, String message) throws Exception {
        fixture.createTopic("orders", 1, Map.of());

        AlterConfigsResourceResponse result = alterOne(false, resource);

        assertThat(result.errorCode()).isEqualTo(error.code());
        assertThat(result.errorMessage()).isEqualTo(message);
        assertThat(fixture.overrides("orders")).isEmpty();
    }

    @Test
    void brokerLoggerAndOtherResourceTypesAreInvalidRequest() {
        IncrementalAlterConfigsResponseData response = alter(
                false,
                resource(ConfigResource.Type.BROKER_LOGGER.id(), "0", op("root", OpType.SET, "DEBUG")),
                resource(ConfigResource.Type.CLIENT_METRICS.id(), "m", op("interval.ms", OpType.SET, "1000")));

        assertThat(response.responses()).hasSize(2).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(r.errorMessage()).isNotBlank();
        });
    }

    @Test
    void aResourceNamedTwiceIsInvalidRequestForBoth() {
        IncrementalAlterConfigsResponseData response = alter(
                false,
                resource(TOPIC, "orders", op("retention.ms", OpType.SET, "1")),
                resource(TOPIC, "orders", op("segment.bytes", OpType.SET, "4096")));

        assertThat(response.responses())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
    }
}
