package io.millrace.broker.server.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.server.ApiHandler;
import io.millrace.broker.server.ApiRegistry;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.handlers.ApiVersionsHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KafkaConnectionTest {

    private static final Endpoint LISTENER = new Endpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, "127.0.0.1", 9092);

    /** Answers DescribeCluster only when the test says so, to reorder completions. */
    private final List<Responder> parked = new ArrayList<>();

    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        AtomicReference<ApiRegistry> self = new AtomicReference<>();
        ApiRegistry registry = ApiRegistry.builder()
                .add(new ApiVersionsHandler(() -> self.get().handlers(), "cluster"))
                .add(new ParkingHandler())
                .build();
        self.set(registry);
        channel = new EmbeddedChannel(new FrameDecoder(1 << 20), new KafkaConnection(registry, LISTENER, 2, 1 << 20));
    }

    @Test
    void responsesLeaveInRequestOrderEvenWhenHandlersFinishOutOfOrder() {
        send(describeCluster(1));
        send(apiVersions(2, (short) 3));
        assertThat((Object) channel.readOutbound())
                .as("nothing may overtake the parked request")
                .isNull();

        parked.get(0).respond(new DescribeClusterResponseData().setClusterId("c"));

        AbstractResponse first = read(new RequestHeader(ApiKeys.DESCRIBE_CLUSTER, (short) 1, "t", 1));
        AbstractResponse second = read(new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "t", 2));
        assertThat(((DescribeClusterResponse) first).data().clusterId()).isEqualTo("c");
        assertThat(((ApiVersionsResponse) second).data().apiKeys())
                .extracting(k -> k.apiKey())
                .containsExactly(ApiKeys.API_VERSIONS.id, ApiKeys.DESCRIBE_CLUSTER.id);
    }

    @Test
    void readingPausesAtTheInFlightLimitAndResumesWhenAnswered() {
        send(describeCluster(1));
        send(describeCluster(2));
        assertThat(channel.config().isAutoRead()).isFalse();
        parked.get(0).respond(new DescribeClusterResponseData());
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void anUnsupportedApiVersionsVersionIsAnsweredAtVersionZeroWithTheSupportedRange() {
        ByteBuffer request = apiVersions(7, (short) 3);
        request.putShort(2, (short) 99);
        send(request);
        ByteBuf out = channel.readOutbound();
        ByteBuffer nio = out.nioBuffer();
        nio.getInt();
        assertThat(nio.getInt()).as("correlation id").isEqualTo(7);
        ApiVersionsResponseData data =
                new ApiVersionsResponseData(new org.apache.kafka.common.protocol.ByteBufferAccessor(nio), (short) 0);
        out.release();
        assertThat(data.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo((short) 5);
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void anUnknownApiKeyClosesTheConnection() {
        ByteBuffer request = apiVersions(1, (short) 3);
        request.putShort(0, (short) 9999);
        send(request);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aKeyThatWasNotAdvertisedClosesTheConnection() {
        ByteBuffer request = apiVersions(1, (short) 3);
        request.putShort(0, ApiKeys.PRODUCE.id);
        send(request);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aGarbageBodyClosesTheConnection() {
        ByteBuffer header = apiVersions(1, (short) 3);
        ByteBuffer garbage = ByteBuffer.allocate(14);
        garbage.put(header.array(), header.arrayOffset(), 10);
        garbage.put(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f});
        garbage.flip();
        send(garbage);
        assertThat(channel.isActive()).isFalse();
    }

    private void send(ByteBuffer request) {
        ByteBuf frame = Unpooled.buffer().writeInt(request.remaining()).writeBytes(request);
        channel.writeInbound(frame);
        channel.runPendingTasks();
    }

    private AbstractResponse read(RequestHeader header) {
        ByteBuf out = channel.readOutbound();
        assertThat(out).isNotNull();
        ByteBuffer nio = ByteBuffer.allocate(out.readableBytes());
        out.readBytes(nio);
        out.release();
        nio.flip();
        assertThat(nio.getInt()).isEqualTo(nio.remaining());
        return AbstractResponse.parseResponse(nio, header);
    }

    private static ByteBuffer apiVersions(int correlationId, short version) {
        ApiVersionsRequest request = new ApiVersionsRequest(
                new ApiVersionsRequestData().setClientSoftwareName("test").setClientSoftwareVersion("1"), version);
        return request.serializeWithHeader(new RequestHeader(ApiKeys.API_VERSIONS, version, "t", correlationId));
    }

    private static ByteBuffer describeCluster(int correlationId) {
        DescribeClusterRequest request = new DescribeClusterRequest(new DescribeClusterRequestData(), (short) 1);
        return request.serializeWithHeader(new RequestHeader(ApiKeys.DESCRIBE_CLUSTER, (short) 1, "t", correlationId));
    }

    private final class ParkingHandler implements ApiHandler<DescribeClusterRequest> {
        @Override
        public ApiKeys apiKey() {
            return ApiKeys.DESCRIBE_CLUSTER;
        }

        @Override
        public short minVersion() {
            return 0;
        }

        @Override
        public short maxVersion() {
            return 2;
        }

        @Override
        public void handle(RequestContext context, DescribeClusterRequest request, Responder responder) {
            parked.add(responder);
        }
    }
}
