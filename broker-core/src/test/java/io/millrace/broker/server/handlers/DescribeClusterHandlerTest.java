package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.millrace.broker.server.ClusterInfo;
import io.millrace.broker.server.Endpoint;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DescribeClusterHandlerTest {

    private static final Endpoint INTERNAL = new Endpoint("INTERNAL", SecurityProtocol.PLAINTEXT, "0.0.0.0", 9093);
    private static final Endpoint EXTERNAL_ADVERTISED =
            new Endpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, "broker.example.com", 19092);

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private final DescribeClusterHandler handler = new DescribeClusterHandler(
            new ClusterInfo(4, "cluster-abc", "rack-1", Map.of("PLAINTEXT", EXTERNAL_ADVERTISED)));

    private DescribeClusterResponseData describe(short version, DescribeClusterRequestData data, Endpoint listener) {
        DescribeClusterRequest request = new DescribeClusterRequest.Builder(data).build(version);
        return fixture.call(handler, request, listener, DescribeClusterResponseData.class);
    }

    @Test
    void reportsThisNodeWithTheAddressAdvertisedOnTheRequestListener() {
        DescribeClusterResponseData response =
                describe((short) 2, new DescribeClusterRequestData(), AdminHandlerFixture.LISTENER);

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.clusterId()).isEqualTo("cluster-abc");
        assertThat(response.controllerId()).isEqualTo(4);
        assertThat(response.endpointType()).isEqualTo((byte) 1);
        assertThat(response.brokers()).hasSize(1);
        DescribeClusterBroker broker = response.brokers().iterator().next();
        assertThat(broker.brokerId()).isEqualTo(4);
        assertThat(broker.host()).isEqualTo("broker.example.com");
        assertThat(broker.port()).isEqualTo(19092);
        assertThat(broker.rack()).isEqualTo("rack-1");
        assertThat(broker.isFenced()).isFalse();
    }

    @Test
    void aListenerWithoutAdvertisedAddressReportsItsOwnAddress() {
        DescribeClusterResponseData response = describe((short) 1, new DescribeClusterRequestData(), INTERNAL);

        DescribeClusterBroker broker = response.brokers().iterator().next();
        assertThat(broker.host()).isEqualTo("0.0.0.0");
        assertThat(broker.port()).isEqualTo(9093);
    }

    @Test
    void clusterAuthorizedOperationsOnlyWhenAskedFor() {
        DescribeClusterResponseData without =
                describe((short) 1, new DescribeClusterRequestData(), AdminHandlerFixture.LISTENER);
        DescribeClusterResponseData with = describe(
                (short) 1,
                new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true),
                AdminHandlerFixture.LISTENER);

        assertThat(without.clusterAuthorizedOperations()).isEqualTo(Integer.MIN_VALUE);
        assertThat(with.clusterAuthorizedOperations()).isEqualTo(Ops.CLUSTER);
    }

    static Stream<Arguments> refusedEndpointTypes() {
        return Stream.of(
                argumentSet(
                        "asking for controllers is mismatched endpoint type",
                        (byte) 2,
                        Errors.MISMATCHED_ENDPOINT_TYPE,
                        "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type "
                                + "CONTROLLER. Millrace runs as a single combined node: send the request to its broker "
                                + "listener with bootstrap.servers."),
                argumentSet(
                        "an unknown endpoint type is unsupported",
                        (byte) 7,
                        Errors.UNSUPPORTED_ENDPOINT_TYPE,
                        "Unsupported endpoint type 7"));
    }

    @ParameterizedTest
    @MethodSource("refusedEndpointTypes")
    void endpointTypesOtherThanBrokerAreRefused(byte endpointType, Errors error, String message) {
        DescribeClusterResponseData response = describe(
                (short) 1,
                new DescribeClusterRequestData().setEndpointType(endpointType),
                AdminHandlerFixture.LISTENER);

        assertThat(response.errorCode()).isEqualTo(error.code());
        assertThat(response.errorMessage()).isEqualTo(message);
        assertThat(response.brokers()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2})
    void everySupportedVersionEncodes(short version) {
        DescribeClusterRequestData data = new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true);
        if (version >= 2) {
            data.setIncludeFencedBrokers(true);
        }

        DescribeClusterResponseData response = describe(version, data, AdminHandlerFixture.LISTENER);

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.brokers()).hasSize(1);
    }
}
