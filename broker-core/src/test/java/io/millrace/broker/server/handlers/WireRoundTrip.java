package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.server.ApiHandler;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.network.ResponseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FileRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Requests and responses through the wire format: a request serialised at a version and parsed
 * as the broker parses it; a response encoded by our encoder and parsed by Kafka's client code.
 */
final class WireRoundTrip {

    private WireRoundTrip() {}

    /** The request as the broker receives it at {@code version}. */
    @SuppressWarnings("unchecked")
    static <R extends AbstractRequest> R request(ApiKeys key, ApiMessage data, short version) {
        ByteBuffer wire = MessageUtil.toByteBufferAccessor(data, version).buffer();
        return (R) AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(wire)).request;
    }

    /** The response as a client reads it. */
    static AbstractResponse response(ApiKeys key, ApiMessage answer, short version) {
        RequestHeader header = new RequestHeader(key, version, "test", 42);
        List<Object> pieces = ResponseEncoder.encode(
                UnpooledByteBufAllocator.DEFAULT, 42, header.toResponseHeader().headerVersion(), answer, version);
        ByteBuffer bytes = ByteBuffer.wrap(concat(pieces));
        assertThat(bytes.getInt()).as("size prefix").isEqualTo(bytes.remaining());
        return AbstractResponse.parseResponse(bytes, header);
    }

    /**
     * Sends {@code data} at {@code version} through the wire format to {@code handler} and returns the
     * response as a client reads it, waiting (bounded) for handlers that answer from another thread.
     */
    @SuppressWarnings("unchecked")
    static <R extends AbstractRequest> AbstractResponse call(
            AdminHandlerFixture fixture, ApiHandler<?> handler, ApiKeys key, ApiMessage data, short version) {
        R request = request(key, data, version);
        CompletableFuture<ApiMessage> answer = new CompletableFuture<>();
        ((ApiHandler<R>) handler).handle(fixture.context(request), request, new Responder() {
            @Override
            public void respond(ApiMessage response) {
                if (!answer.complete(response)) {
                    throw new AssertionError("answered twice");
                }
            }

            @Override
            public void respond(ApiMessage response, short v) {
                respond(response);
            }

            @Override
            public void respondNothing() {
                answer.completeExceptionally(new AssertionError("no response"));
            }

            @Override
            public void closeConnection(String reason) {
                answer.completeExceptionally(new AssertionError(reason));
            }
        });
        try {
            return response(key, answer.get(30, TimeUnit.SECONDS), version);
        } catch (Exception e) {
            throw new AssertionError(key + " v" + version + " was not answered: " + e, e);
        }
    }

    private static byte[] concat(List<Object> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(out);
        try {
            for (Object piece : pieces) {
                if (piece instanceof ByteBuf buf) {
                    byte[] b = new byte[buf.readableBytes()];
                    buf.readBytes(b);
                    out.write(b);
                    buf.release();
                } else if (piece instanceof FileRegion region) {
                    while (region.transferred() < region.count()) {
                        region.transferTo(sink, region.transferred());
                    }
                    region.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
