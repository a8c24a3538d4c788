package io.millrace.broker.server.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into Kafka request frames: a 4-byte big-endian size, then that many
 * bytes. The size is checked before anything is buffered for the frame: a size below the
 * smallest possible request header or above {@code socket.request.max.bytes} closes the
 * connection (Kafka's behaviour for an invalid receive), so a hostile prefix never causes an
 * allocation. Bytes arrive into Netty's cumulation buffer only as the peer actually sends them.
 *
 * <p>Emits one retained {@link ByteBuf} per frame, without the size prefix. One instance per
 * connection; runs on its event loop.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    /** api key (2) + api version (2) + correlation id (4) + client id length (2). */
    static final int MIN_FRAME = 10;

    private final int maxFrameBytes;

    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int size = in.getInt(in.readerIndex());
            if (size < MIN_FRAME || size > maxFrameBytes) {
                log.warn(
                        "Closing connection from {}: request size {} is {} (socket.request.max.bytes={}); "
                                + "the peer is not speaking the Kafka protocol or sent a request that is too large",
                        ctx.channel().remoteAddress(),
                        size,
                        size < MIN_FRAME ? "too small" : "too large",
                        maxFrameBytes);
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (in.readableBytes() < 4 + size) {
                return;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice(size));
        }
    }
}
