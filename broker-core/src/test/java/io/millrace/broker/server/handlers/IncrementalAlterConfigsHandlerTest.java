package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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

class IncrementalAlterConfigsHandlerTest {

    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();
    private static final byte BROKER = ConfigResource.Type.BROKER.id();

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private final IncrementalAlterConfigsHandler handler =
            new IncrementalAlterConfigsHandler(fixture.topics, fixture.broker.nodeId(), AdminHandlerFixture.INLINE);

    private static AlterConfigsResource resource(byte type, String name) {
        return new AlterConfigsResource().setResourceType(type).setResourceName(name);
    }

    private static AlterConfigsResource op(AlterConfigsResource r, String key, OpType type, String value) {
        r.configs()
                .add(new AlterableConfig()
                        .setName(key)
                        .setConfigOperation(type.id())
                        .setValue(value));
        return r;
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

    @Test
    void setAndDeleteChangeOnlyTheNamedKeys() throws Exception {
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000", "segment.bytes", "4096"));

        AlterConfigsResourceResponse result = alterOne(
                false,
                op(
                        op(resource(TOPIC, "orders"), "retention.ms", OpType.SET, "2000"),
                        "segment.bytes",
                        OpType.DELETE,
                        null));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.errorMessage()).isNull();
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("retention.ms", "2000"));
    }

    @Test
    void deletingAKeyWithoutOverrideSucceedsAndChangesNothing() throws Exception {
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000"));

        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(TOPIC, "orders"), "segment.bytes", OpType.DELETE, null));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("retention.ms", "1000"));
    }

    @Test
    void appendWithoutOverrideStartsFromTheValueInEffect() throws Exception {
        fixture.createTopic("orders", 1, Map.of());

        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(TOPIC, "orders"), "cleanup.policy", OpType.APPEND, "delete"));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("cleanup.policy", "delete"));
    }

    @Test
    void appendedListIsValidatedLikeAnyValue() throws Exception {
        fixture.createTopic("orders", 1, Map.of());

        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(TOPIC, "orders"), "cleanup.policy", OpType.APPEND, "shred"));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(result.errorMessage()).contains("shred");
        assertThat(fixture.overrides("orders")).isEmpty();
    }

    @Test
    void subtractRemovesFromTheList() throws Exception {
        fixture.createTopic("orders", 1, Map.of("cleanup.policy", "delete"));

        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(TOPIC, "orders"), "cleanup.policy", OpType.SUBTRACT, "delete"));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("cleanup.policy", ""));
    }

    @Test
    void appendToANonListKeyIsInvalidConfig() throws Exception {
        fixture.createTopic("orders", 1, Map.of());

        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(TOPIC, "orders"), "retention.ms", OpType.APPEND, "5"));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(result.errorMessage()).isEqualTo("Can't APPEND to key retention.ms because its type is not LIST.");
    }

    @Test
    void subtractFromAnUnknownKeyIsInvalidConfigEvenBeforeTheTopicIsLookedUp() {
        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(TOPIC, "nope"), "no.such.key", OpType.SUBTRACT, "x"));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
    }

    @Test
    void oneBadOperationFailsTheWholeResource() throws Exception {
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000"));

        AlterConfigsResourceResponse result = alterOne(
                false,
                op(
                        op(resource(TOPIC, "orders"), "retention.ms", OpType.SET, "2000"),
                        "segment.bytes",
                        OpType.SET,
                        "tiny"));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(result.errorMessage()).contains("segment.bytes");
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("retention.ms", "1000"));
    }

    @Test
    void validateOnlyChecksWithoutChanging() throws Exception {
        fixture.createTopic("orders", 1, Map.of("retention.ms", "1000"));

        AlterConfigsResourceResponse result =
                alterOne(true, op(resource(TOPIC, "orders"), "retention.ms", OpType.SET, "2000"));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fixture.overrides("orders")).containsExactlyEntriesOf(Map.of("retention.ms", "1000"));
    }

    @Test
    void theSameKeyTwiceIsInvalidRequest() {
        AlterConfigsResourceResponse result = alterOne(
                false,
                op(
                        op(resource(TOPIC, "orders"), "retention.ms", OpType.SET, "1"),
                        "retention.ms",
                        OpType.DELETE,
                        null));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(result.errorMessage()).contains("retention.ms");
    }

    @Test
    void nullValueForSetIsInvalidRequest() {
        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(TOPIC, "orders"), "retention.ms", OpType.SET, null));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(result.errorMessage()).contains("retention.ms");
    }

    @Test
    void unknownOperationIsInvalidRequest() {
        AlterConfigsResource r = resource(TOPIC, "orders");
        r.configs()
                .add(new AlterableConfig()
                        .setName("retention.ms")
                        .setConfigOperation((byte) 9)
                        .setValue("1"));

        AlterConfigsResourceResponse result = alterOne(false, r);

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void unknownTopicIsUnknownTopicOrPartition() {
        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(TOPIC, "nope"), "retention.ms", OpType.SET, "1"));

        assertThat(result.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void brokerConfigChangesAreRefusedNamingTheKeys() {
        AlterConfigsResourceResponse result =
                alterOne(false, op(resource(BROKER, ""), "log.retention.ms", OpType.SET, "1000"));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(result.errorMessage())
                .isEqualTo("Millrace has no dynamic broker configuration; set "
                        + "log.retention.ms in the properties file and restart");
    }

    @Test
    void brokerLoggerAndOtherResourceTypesAreInvalidRequest() {
        IncrementalAlterConfigsResponseData response = alter(
                false,
                op(resource(ConfigResource.Type.BROKER_LOGGER.id(), "0"), "root", OpType.SET, "DEBUG"),
                op(resource(ConfigResource.Type.CLIENT_METRICS.id(), "m"), "interval.ms", OpType.SET, "1000"));

        assertThat(response.responses()).hasSize(2).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(r.errorMessage()).isNotBlank();
        });
    }

    @Test
    void aResourceNamedTwiceIsInvalidRequestForBoth() {
        IncrementalAlterConfigsResponseData response = alter(
                false,
                op(resource(TOPIC, "orders"), "retention.ms", OpType.SET, "1"),
                op(resource(TOPIC, "orders"), "segment.bytes", OpType.SET, "4096"));

        assertThat(response.responses())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
    }
}
