package io.millrace.broker.server.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    @Test
    void emitsWholeFramesOnlyOnceAllBytesArrived() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        ByteBuf frame = Unpooled.buffer().writeInt(12).writeBytes(new byte[12]);
        channel.writeInbound(frame.readRetainedSlice(7));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(frame.readRetainedSlice(9));
        ByteBuf out = channel.readInbound();
        assertThat(out.readableBytes()).isEqualTo(12);
        out.release();
        frame.release();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aSizeAboveTheLimitClosesTheConnectionWithoutWaitingForTheBody() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        channel.writeInbound(Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(1));
        assertThat(channel.isActive()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void negativeOrTinySizesCloseTheConnection() {
        EmbeddedChannel negative = new EmbeddedChannel(new FrameDecoder(1024));
        negative.writeInbound(Unpooled.buffer().writeInt(-5));
        assertThat(negative.isActive()).isFalse();
        EmbeddedChannel tiny = new EmbeddedChannel(new FrameDecoder(1024));
        tiny.writeInbound(Unpooled.buffer().writeInt(3).writeBytes(new byte[3]));
        assertThat(tiny.isActive()).isFalse();
    }

    @Test
    void severalFramesInOneReadAreAllEmitted() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        ByteBuf in = Unpooled.buffer();
        for (int i = 0; i < 3; i++) {
            in.writeInt(10).writeBytes(new byte[10]);
        }
        channel.writeInbound(in);
        for (int i = 0; i < 3; i++) {
            ByteBuf out = channel.readInbound();
            assertThat(out.readableBytes()).isEqualTo(10);
            out.release();
        }
    }
}
