package io.millrace.broker.server.network;

import io.millrace.broker.server.ApiHandler;
import io.millrace.broker.server.ApiRegistry;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: parses request frames, dispatches each to its {@link ApiHandler},
 * and writes responses strictly in request order even when handlers finish out of order
 * (Kafka clients match responses to requests by order).
 *
 * <p>Memory per connection is bounded: once {@code maxInFlightRequests} requests or
 * {@code maxInFlightBytes} of request frames are in progress, the connection stops reading
 * until responses drain; it also stops while the socket is not writable (slow reader).
 *
 * <p>Bad input closes the connection with a log line, as Kafka does: unknown API keys,
 * unsupported versions (except ApiVersions, which answers with the supported list), and
 * bodies that fail to parse. Nothing a client sends can affect another connection.
 *
 * <p>All state is confined to the channel's event loop.
 */
public final class KafkaConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final ApiRegistry registry;
    private final Endpoint listener;
    private final int maxInFlightRequests;
    private final long maxInFlightBytes;
    private final String connectionId;
    private final ArrayDeque<Slot> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private long inFlightBytes;
    private boolean closing;

    public KafkaConnection(ApiRegistry registry, Endpoint listener, int maxInFlightRequests, long maxInFlightBytes) {
        this.registry = registry;
        this.listener = listener;
        this.maxInFlightRequests = maxInFlightRequests;
        this.maxInFlightBytes = maxInFlightBytes;
        this.connectionId = listener.listenerName() + "-" + IDS.incrementAndGet();
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        this.ctx = context;
        super.channelActive(context);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closing) {
            frame.release();
            return;
        }
        int frameSize = frame.readableBytes();
        inFlightBytes += frameSize;
        Slot slot = null;
        try {
            slot = dispatch(frame, frameSize);
        } catch (RuntimeException e) {
            log.warn(
                    "Closing connection {} from {}: could not process a request: {}",
                    connectionId,
                    context.channel().remoteAddress(),
                    e.toString(),
                    e);
            closeNow();
        } finally {
            frame.release();
            if (slot == null) {
                inFlightBytes -= frameSize;
            }
        }
        updateReading();
    }

    private Slot dispatch(ByteBuf frame, int frameSize) {
        ByteBuffer buffer = frame.nioBuffer();
        short keyId = buffer.getShort(0);
        short version = buffer.getShort(2);
        if (!ApiKeys.hasId(keyId)) {
            reject("unknown API key " + keyId);
            return null;
        }
        ApiKeys key = ApiKeys.forId(keyId);
        ApiHandler<?> handler = registry.handler(key);
        if (handler == null) {
            reject(key.name + " (key " + keyId + ") is not supported by this broker and was not advertised");
            return null;
        }
        if (!handler.supports(version)) {
            if (key == ApiKeys.API_VERSIONS) {
                return answerUnsupportedApiVersions(buffer.getInt(4), version, frameSize);
            }
            reject(key.name + " version " + version + " is not supported (supported: " + handler.minVersion() + "-"
                    + handler.maxVersion() + ")");
            return null;
        }
        ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        RequestHeaderData header;
        AbstractRequest request;
        try {
            header = new RequestHeaderData(accessor, key.requestHeaderVersion(version));
            request = AbstractRequest.parseRequest(key, version, accessor).request;
        } catch (RuntimeException e) {
            reject("malformed " + key.name + " v" + version + " request: " + e.getMessage());
            return null;
        }
        Slot slot = enqueue(key, version, header.correlationId(), header.clientId(), frameSize, request);
        RequestContext context = slot.context;
        try {
            invoke(handler, context, request, slot);
        } catch (RuntimeException e) {
            log.error(
                    "{} handler failed on a request from {} (correlation id {}); answering with an error: {}",
                    key.name,
                    context.describeClient(),
                    context.correlationId(),
                    e.toString(),
                    e);
            if (!slot.answered) {
                slot.respond(request.getErrorResponse(0, e).data());
            }
        }
        return slot;
    }

    /** Queues the slot of a request received now on this connection, in arrival order. */
    private Slot enqueue(
            ApiKeys key, short version, int correlationId, String clientId, int frameSize, AbstractRequest request) {
        RequestContext context = new RequestContext(
                key,
                version,
                correlationId,
                clientId,
                listener,
                ctx.channel().remoteAddress(),
                connectionId,
                System.nanoTime(),
                ctx.channel().eventLoop());
        Slot slot = new Slot(context, frameSize, request);
        pending.addLast(slot);
        return slot;
    }

    @SuppressWarnings("unchecked")
    private static <R extends AbstractRequest> void invoke(
            ApiHandler<R> handler, RequestContext context, AbstractRequest request, Responder responder) {
        handler.handle(context, (R) request, responder);
    }

    private Slot answerUnsupportedApiVersions(int correlationId, short version, int frameSize) {
        Slot slot = enqueue(ApiKeys.API_VERSIONS, version, correlationId, null, frameSize, null);
        ApiVersionsResponseData response =
                new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        ApiHandler<?> handler = registry.handler(ApiKeys.API_VERSIONS);
        response.apiKeys()
                .add(new ApiVersionsResponseData.ApiVersion()
                        .setApiKey(ApiKeys.API_VERSIONS.id)
                        .setMinVersion(handler.minVersion())
                        .setMaxVersion(handler.maxVersion()));
        slot.respond(response, (short) 0);
        return slot;
    }

    private void reject(String reason) {
        log.warn(
                "Closing connection {} from {}: {}", connectionId, ctx.channel().remoteAddress(), reason);
        closeNow();
    }

    private void closeNow() {
        closing = true;
        ctx.close();
    }

    /** Writes every answered response at the head of the queue, in order. */
    private void drain() {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peekFirst().answered) {
            Slot slot = pending.pollFirst();
            inFlightBytes -= slot.frameSize;
            if (slot.closeReason != null) {
                if (wrote) {
                    ctx.flush();
                }
                log.warn(
                        "Closing connection {} from {}: {}",
                        connectionId,
                        ctx.channel().remoteAddress(),
                        slot.closeReason);
                closing = true;
                ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                releaseAll();
                return;
            }
            if (slot.pieces != null) {
                for (Object piece : slot.pieces) {
                    ctx.write(piece, ctx.voidPromise());
                }
                wrote = true;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        updateReading();
    }

    private void updateReading() {
        if (closing) {
            return;
        }
        boolean shouldRead = pending.size() < maxInFlightRequests
                && inFlightBytes < maxInFlightBytes
                && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != shouldRead) {
            ctx.channel().config().setAutoRead(shouldRead);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        updateReading();
        super.channelWritabilityChanged(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            log.debug(
                    "Closing idle connection {} from {} (connections.max.idle.ms)",
                    connectionId,
                    context.channel().remoteAddress());
            closeNow();
            return;
        }
        super.userEventTriggered(context, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        closing = true;
        releaseAll();
        super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            log.debug(
                    "Connection {} from {} failed: {}",
                    connectionId,
                    context.channel().remoteAddress(),
                    cause.toString());
        } else {
            log.warn(
                    "Closing connection {} from {} after an unexpected error: {}",
                    connectionId,
                    context.channel().remoteAddress(),
                    cause.toString(),
                    cause);
        }
        closeNow();
    }

    private void releaseAll() {
        for (Slot slot : pending) {
            slot.releasePieces();
        }
        pending.clear();
    }

    /** One request's place in the response order. Its fields are only touched on the event loop. */
    private final class Slot implements Responder {
        private final RequestContext context;
        private final int frameSize;
        private final AbstractRequest request;
        private boolean answered;
        private List<Object> pieces;
        private String closeReason;

        Slot(RequestContext context, int frameSize, AbstractRequest request) {
            this.context = context;
            this.frameSize = frameSize;
            this.request = request;
        }

        @Override
        public void respond(ApiMessage response) {
            respond(response, context.apiVersion());
        }

        @Override
        public void respond(ApiMessage response, short version) {
            onLoop(() -> {
                if (answered) {
                    throw new IllegalStateException(
                            "Answered twice: " + context.apiKey() + " correlation id " + context.correlationId());
                }
                answered = true;
                if (closing) {
                    return;
                }
                short headerVersion = context.apiKey().responseHeaderVersion(version);
                try {
                    pieces = ResponseEncoder.encode(
                            ctx.alloc(), context.correlationId(), headerVersion, response, version);
                } catch (RuntimeException e) {
                    log.error(
                            "Could not encode the {} v{} response for {}: {}",
                            context.apiKey().name,
                            version,
                            context.describeClient(),
                            e.toString(),
                            e);
                    closeReason = "could not encode a response";
                }
                drain();
            });
        }

        @Override
        public void respondNothing() {
            onLoop(() -> {
                answered = true;
                drain();
            });
        }

        @Override
        public void closeConnection(String reason) {
            onLoop(() -> {
                answered = true;
                closeReason = reason + " (" + context.describeClient() + ")";
                drain();
            });
        }

        private void onLoop(Runnable task) {
            if (ctx.channel().eventLoop().inEventLoop()) {
                task.run();
            } else {
                ctx.channel().eventLoop().execute(task);
            }
        }

        void releasePieces() {
            if (pieces != null) {
                for (Object piece : pieces) {
                    ReferenceCountUtil.safeRelease(piece);
                }
                pieces = null;
            }
        }
    }
}
