package io.millrace.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.record.internal.TransferableRecords;

/**
 * A byte range of a segment file holding whole record batches (the last may be cut short by a
 * fetch size limit, as Kafka allows), sent to the network without copying.
 *
 * <p>The slice stays readable for at least the segment's {@code file.delete.delay.ms} after the
 * segment is removed from the log, so a response in flight can finish. A segment's channel holds
 * a file descriptor only while in use ({@link CachedFileChannel}); a zero-copy send, which hands
 * the descriptor itself to the network layer, holds it with {@link #pinChannel()}. Immutable.
 */
public final class FileSlice implements TransferableRecords {

    private final FileChannel channel;
    private final long position;
    private final int size;

    public FileSlice(FileChannel channel, long position, int size) {
        this.channel = channel;
        this.position = position;
        this.size = size;
    }

    public FileChannel channel() {
        return channel;
    }

    /**
     * The JDK channel to send the slice from with sendfile, kept open until
     * {@link #unpinChannel()}: a segment channel's descriptor is otherwise closed when idle, and
     * sendfile uses the descriptor number directly. Other channels are returned as they are.
     */
    public FileChannel pinChannel() throws IOException {
        return channel instanceof CachedFileChannel cached ? cached.pin() : channel;
    }

    /** Ends a {@link #pinChannel()}. */
    public void unpinChannel() {
        if (channel instanceof CachedFileChannel cached) {
            cached.unpin();
        }
    }

    public long position() {
        return position;
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public RecordsSend<? extends TransferableRecords> toSend() {
        return new DefaultRecordsSend<>(this);
    }

    @Override
    public int writeTo(TransferableChannel destination, int offset, int length) throws IOException {
        long count = Math.min(length, size - offset);
        return (int) destination.transferFrom(channel, position + offset, count);
    }

    @Override
    public String toString() {
        return "FileSlice(position=" + position + ", size=" + size + ")";
    }
}
