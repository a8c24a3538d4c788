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
 * <p>The channel stays open for at least the segment's {@code file.delete.delay.ms} after the
 * segment is removed from the log, so a response in flight can finish. Immutable.
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
