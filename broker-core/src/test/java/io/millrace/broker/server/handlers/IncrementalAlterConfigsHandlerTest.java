package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

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
            new IncrementalAlterConfigsHandler(fixture.topics, fixture.broker.nodeId(), AdminHandlerFixture.INLINE);

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
                        "broker config changes are refused naming the keys",
                        resource(BROKER, "", op("log.retention.ms", OpType.SET, "1000")),
                        Errors.INVALID_REQUEST,
                        "Millrace has no dynamic broker configuration; set "
                                + "log.retention.ms in the properties file and restart"));
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
