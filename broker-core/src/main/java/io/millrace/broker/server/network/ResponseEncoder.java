package io.millrace.broker.server.network;

import io.millrace.broker.log.FileSlice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Encodes a response (size prefix, header, body) into the pieces written to the socket:
 * heap/direct buffers for the protocol fields and, for record data that lives in segment
 * files, file regions sent with sendfile so record bytes are never copied through the JVM.
 *
 * <p>One buffer is allocated per response, sized exactly from the message's computed size;
 * a file region splits it into slices. Stateless; used on event loops.
 */
public final class ResponseEncoder {

    private ResponseEncoder() {}

    /**
     * @return the pieces in order: {@link ByteBuf}s and {@link io.netty.channel.FileRegion}s; the
     *         caller writes each one and owns their references
     */
    public static List<Object> encode(
            ByteBufAllocator alloc, int correlationId, short headerVersion, ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ByteBuf buffer = alloc.buffer(4 + size.sizeExcludingZeroCopy());
        buffer.writeInt(size.totalSize());
        PieceWriter writer = new PieceWriter(buffer);
        try {
            header.write(writer, cache, headerVersion);
            body.write(writer, cache, version);
        } catch (RuntimeException e) {
            writer.abandon();
            throw e;
        }
        return writer.finish();
    }

    /** A {@link Writable} over one ByteBuf that turns file-backed records into file regions. */
    private static final class PieceWriter implements Writable {
        private final ByteBuf buffer;
        private final List<Object> pieces = new ArrayList<>(3);
        private int sliceStart;

        PieceWriter(ByteBuf buffer) {
            this.buffer = buffer;
            this.sliceStart = buffer.readerIndex();
        }

        List<Object> finish() {
            cutSlice();
            buffer.release();
            return pieces;
        }

        /** Releases what was encoded so far (file regions also end their pin on the segment file). */
        void abandon() {
            pieces.forEach(ReferenceCountUtil::release);
            buffer.release();
        }

        private void cutSlice() {
            int end = buffer.writerIndex();
            if (end > sliceStart) {
                pieces.add(buffer.retainedSlice(sliceStart, end - sliceStart));
            }
            sliceStart = end;
        }

        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof FileSlice slice) {
                if (slice.sizeInBytes() == 0) {
                    return;
                }
                FileChannel file = pin(slice);
                if (SegmentRegion.canSendFile(file)) {
                    cutSlice();
                    pieces.add(new SegmentRegion(slice, file));
                } else {
                    slice.unpinChannel();
                    copyFrom(slice);
                }
            } else if (records instanceof MemoryRecords memory) {
                writeByteBuffer(memory.buffer());
            } else {
                throw new IllegalArgumentException("Cannot encode records of type " + records.getClass());
            }
        }

        private static FileChannel pin(FileSlice slice) {
            try {
                return slice.pinChannel();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void copyFrom(FileSlice slice) {
            ByteBuf target = buffer.alloc().buffer(slice.sizeInBytes());
            try {
                ByteBuffer nio = ByteBuffer.allocate(slice.sizeInBytes());
                long pos = slice.position();
                while (nio.hasRemaining()) {
                    int n = slice.channel().read(nio, pos);
                    if (n < 0) {
                        throw new IOException("segment ended before the slice (position " + pos + ")");
                    }
                    pos += n;
                }
                nio.flip();
                cutSlice();
                target.writeBytes(nio);
                pieces.add(target);
            } catch (IOException e) {
                target.release();
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void writeByte(byte val) {
            buffer.writeByte(val);
        }

        @Override
        public void writeShort(short val) {
            buffer.writeShort(val);
        }

        @Override
        public void writeInt(int val) {
            buffer.writeInt(val);
        }

        @Override
        public void writeLong(long val) {
            buffer.writeLong(val);
        }

        @Override
        public void writeDouble(double val) {
            buffer.writeDouble(val);
        }

        @Override
        public void writeByteArray(byte[] arr) {
            buffer.writeBytes(arr);
        }

        @Override
        public void writeUnsignedVarint(int i) {
            int value = i;
            while ((value & 0xffffff80) != 0) {
                buffer.writeByte((value & 0x7f) | 0x80);
                value >>>= 7;
            }
            buffer.writeByte(value);
        }

        @Override
        public void writeByteBuffer(ByteBuffer buf) {
            buffer.writeBytes(buf.duplicate());
        }

        @Override
        public void writeVarint(int i) {
            writeUnsignedVarint((i << 1) ^ (i >> 31));
        }

        @Override
        public void writeVarlong(long i) {
            long value = (i << 1) ^ (i >> 63);
            while ((value & 0xffffffffffffff80L) != 0L) {
                buffer.writeByte(((int) value & 0x7f) | 0x80);
                value >>>= 7;
            }
            buffer.writeByte((int) value);
        }

        @Override
        public void writeUuid(Uuid uuid) {
            buffer.writeLong(uuid.getMostSignificantBits());
            buffer.writeLong(uuid.getLeastSignificantBits());
        }
    }
}
