package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.millrace.broker.common.config.BrokerConfig;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlterConfigsHandlerTest {

    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();
    private static final byte BROKER = ConfigResource.Type.BROKER.id();

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private final AlterConfigsHandler handler =
            new AlterConfigsHandler(fixture.topics, fixture.brokerConfig, AdminHandlerFixture.INLINE);

    private static AlterConfigsResource resource(byte type, String name, String... keyValues) {
        AlterConfigsResource r =
                new AlterConfigsResource().setResourceType(type).setResourceName(name);
        for (int i = 0; i < keyValues.length; i += 2) {
            r.configs().add(new AlterableConfig().setName(keyValues[i]).setValue(keyValues[i + 1]));
        }
        return r;
    }

    private AlterConfigsResponseData alter(boolean validateOnly, AlterConfigsResource... resources) {
        AlterConfigsRequestData data = new AlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource r : resources) {
            data.resources().add(r);
        }
        return fixture.call(handler, new AlterConfigsRequest(data, (short) 2), AlterConfigsResponseData.class);
    }

    private static AlterConfigsResourceResponse only(AlterConfigsResponseData response) {
        assertThat(response.responses()).hasSize(1);
        return response.responses().get(0);
    }

    @Test
    void givenConfigsReplaceAllOverridesOfTheTopic() throws Exception {
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000", "segment.bytes", "4096"));

        AlterConfigsResourceResponse result =
                only(alter(false, resource(TOPIC, "orders", "max.message.bytes", "2000")));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.errorMessage()).isNull();
        assertThat(result.resourceName()).isEqualTo("orders");
        assertThat(result.resourceType()).isEqualTo(TOPIC);
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("max.message.bytes", "2000"));
    }

    @Test
    void anEmptySetRemovesEveryOverride() throws Exception {
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000"));

        AlterConfigsResourceResponse result = only(alter(false, resource(TOPIC, "orders")));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fixture.overrides("orders")).isEmpty();
    }

    @Test
    void validateOnlyChecksWithoutChanging() throws Exception {
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000"));

        AlterConfigsResourceResponse ok = only(alter(true, resource(TOPIC, "orders", "retention.ms", "2000")));
        AlterConfigsResourceResponse bad = only(alter(true, resource(TOPIC, "orders", "retention.ms", "soon")));

        assertThat(ok.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(bad.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("retention.ms", "1000"));
    }

    /**
     * One resource the handler refuses (topic "orders" exists with retention.ms=1000): the error and
     * message it is answered with; the topic's overrides stay as they were.
     */
    static Stream<Arguments> refusals() {
        return Stream.of(
                argumentSet(
                        "a bad value is invalid config naming the key",
                        resource(TOPIC, "orders", "segment.bytes", "12"),
                        Errors.INVALID_CONFIG,
                        "Invalid value 12 for configuration segment.bytes: Value must be at least 1024"),
                argumentSet(
                        "an unknown key is invalid config",
                        resource(TOPIC, "orders", "retention.mss", "1"),
                        Errors.INVALID_CONFIG,
                        "Unknown topic config name: retention.mss"),
                argumentSet(
                        "a null value is invalid request",
                        resource(TOPIC, "orders", "retention.ms", null),
                        Errors.INVALID_REQUEST,
                        "Null value not supported for : retention.ms"),
                argumentSet(
                        "an unknown topic is unknown topic or partition",
                        resource(TOPIC, "nope", "retention.ms", "1"),
                        Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic 'nope' does not exist."),
                argumentSet(
                        "an empty topic name is invalid request",
                        resource(TOPIC, "", "retention.ms", "1"),
                        Errors.INVALID_REQUEST,
                        "Default topic resources are not allowed."),
                argumentSet(
                        "broker keys that cannot change dynamically are refused as Kafka refuses them",
                        resource(
                                BROKER,
                                "0",
                                "log.retention.ms",
                                "1000",
                                "num.partitions",
                                "3",
                                "log.retention.hours",
                                "1"),
                        Errors.INVALID_REQUEST,
                        "Cannot update these configs dynamically: [log.retention.hours, num.partitions]"),
                argumentSet(
                        "an invalid broker value is invalid request naming it",
                        resource(BROKER, "", "log.retention.ms", "soon"),
                        Errors.INVALID_REQUEST,
                        "Invalid value soon for configuration log.retention.ms: Not a number of type LONG"),
                argumentSet(
                        "a broker id that is not a number is invalid request",
                        resource(BROKER, "zero", "log.retention.ms", "1000"),
                        Errors.INVALID_REQUEST,
                        "Node id must be an integer, but it is: zero"),
                argumentSet(
                        "another broker id is invalid request",
                        resource(BROKER, "3", "num.partitions", "3"),
                        Errors.INVALID_REQUEST,
                        "Unexpected broker id, expected 0, but received 3"),
                argumentSet(
                        "an unsupported resource type is invalid request",
                        resource(ConfigResource.Type.GROUP.id(), "g", "consumer.session.timeout.ms", "45000"),
                        Errors.INVALID_REQUEST,
                        "Resource type GROUP is not supported by Millrace (resource 'g')"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refusedResource(AlterConfigsResource resource, Errors error, String message) throws Exception {
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000"));

        AlterConfigsResourceResponse result = only(alter(false, resource));

        assertThat(result.errorCode()).isEqualTo(error.code());
        assertThat(result.errorMessage()).isEqualTo(message);
        assertThat(result.resourceType()).isEqualTo(resource.resourceType());
        assertThat(result.resourceName()).isEqualTo(resource.resourceName());
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("retention.ms", "1000"));
        assertThat(fixture.brokerConfig.snapshot().perBroker()).isEmpty();
        assertThat(fixture.brokerConfig.snapshot().clusterDefault()).isEmpty();
    }

    @Test
    void givenConfigsReplaceAllDynamicValuesOfTheBrokerResource() {
        assertThat(only(alter(false, resource(BROKER, "0", "log.retention.ms", "1000", "message.max.bytes", "5000")))
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(only(alter(false, resource(BROKER, "", "log.retention.bytes", "123456")))
                        .errorCode())
                .isEqualTo(Errors.NONE.code());

        AlterConfigsResourceResponse result =
                only(alter(false, resource(BROKER, "0", "log.segment.bytes", "4096", "custom.key", "x")));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fixture.brokerConfig.snapshot().perBroker())
                .isEqualTo(Map.of("custom.key", "x", "log.segment.bytes", "4096"));
        assertThat(fixture.brokerConfig.snapshot().clusterDefault())
                .containsExactlyEntriesOf(Map.of("log.retention.bytes", "123456"));
        BrokerConfig effective = fixture.brokerConfig.current();
        assertThat(effective.getInt(BrokerConfig.LOG_SEGMENT_BYTES)).isEqualTo(4096);
        assertThat(effective.getInt(BrokerConfig.MESSAGE_MAX_BYTES)).isEqualTo(1048588);
        assertThat(effective.logRetentionMs()).isEqualTo(168 * 3_600_000L);
        assertThat(effective.getLong(BrokerConfig.LOG_RETENTION_BYTES)).isEqualTo(123456L);
    }

    @Test
    void resourcesOfOneRequestSucceedOrFailEachOnItsOwnAndValidateOnlyChangesNothing() throws Exception {
        fixture.createTopic("orders", 1, Map.of());
        AlterConfigsResponseData checked = alter(true, mixedResources());
        assertThat(checked.responses())
                .extracting(AlterConfigsResourceResponse::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.INVALID_REQUEST.code(), Errors.NONE.code());
        assertThat(fixture.brokerConfig.snapshot().clusterDefault()).isEmpty();
        assertThat(fixture.overrides("orders")).isEmpty();

        AlterConfigsResponseData applied = alter(false, mixedResources());

        assertThat(applied.responses())
                .extracting(AlterConfigsResourceResponse::errorCode, AlterConfigsResourceResponse::errorMessage)
                .containsExactly(
                        tuple(Errors.NONE.code(), null),
                        tuple(Errors.INVALID_REQUEST.code(), "Cannot update these configs dynamically: [log.dirs]"),
                        tuple(Errors.NONE.code(), null));
        assertThat(fixture.brokerConfig.snapshot().clusterDefault())
                .containsExactlyEntriesOf(Map.of("message.max.bytes", "5000"));
        assertThat(fixture.brokerConfig.snapshot().perBroker()).isEmpty();
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("retention.ms", "2000"));
    }

    /** A good cluster default, this broker with a key that cannot change dynamically, a good topic. */
    private static AlterConfigsResource[] mixedResources() {
        return new AlterConfigsResource[] {
            resource(BROKER, "", "message.max.bytes", "5000"),
            resource(BROKER, "0", "log.retention.ms", "1000", "log.dirs", "/elsewhere"),
            resource(TOPIC, "orders", "retention.ms", "2000")
        };
    }

    @Test
    void aResourceNamedTwiceIsInvalidRequestForBoth() {
        AlterConfigsResponseData response = alter(
                false, resource(TOPIC, "orders", "retention.ms", "1"), resource(TOPIC, "orders", "retention.ms", "2"));

        assertThat(response.responses()).hasSize(2).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(r.errorMessage()).contains("at most once");
        });
    }

    @Test
    void workRunsOnTheAdminExecutor() {
        AdminHandlerFixture.QueuedExecutor executor = new AdminHandlerFixture.QueuedExecutor();
        AlterConfigsHandler queued = new AlterConfigsHandler(fixture.topics, fixture.brokerConfig, executor);
        AlterConfigsRequestData data = new AlterConfigsRequestData();
        data.resources().add(resource(TOPIC, "nope", "retention.ms", "1"));
        AlterConfigsRequest request = new AlterConfigsRequest(data, (short) 1);
        AdminHandlerFixture.CapturingResponder responder = new AdminHandlerFixture.CapturingResponder((short) 1);

        queued.handle(fixture.context(request), request, responder);
        assertThat(responder.responses).isEmpty();
        executor.runAll();

        assertThat(((AlterConfigsResponseData) responder.single())
                        .responses()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
}
