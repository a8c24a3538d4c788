package io.millrace.broker.coordinator;

import io.millrace.broker.log.FileSlice;
import io.millrace.broker.log.LogReadResult;
import io.millrace.broker.replication.Partition;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Reading and writing the key/value records of a coordinator's internal topic partition: batches
 * of one record for appends, and a replay of every durable record from the log start. Stateless.
 */
public final class PartitionRecords {

    private static final int READ_CHUNK_BYTES = 1 << 20;

    /** Receives one record of a replayed batch. */
    @FunctionalInterface
    public interface Visitor {
        void accept(RecordBatch batch, Record record) throws IOException;
    }

    private PartitionRecords() {}

    /** An uncompressed batch (no producer id) holding one record; a null value is a tombstone. */
    public static ByteBuffer batchOf(byte[] key, byte[] value, long timestampMs) {
        int size = 256 + key.length + (value == null ? 0 : value.length);
        MemoryRecordsBuilder builder =
                MemoryRecords.builder(ByteBuffer.allocate(size), Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.append(timestampMs, key, value);
        return builder.build().buffer();
    }

    /**
     * Hands every record of every durable batch (control batches included: the visitor decides) to
     * {@code visitor}, in offset order, from the log start to the high watermark as it was when the
     * replay started.
     *
     * @throws IOException when the partition cannot be read
     */
    public static void replay(Partition p, Visitor visitor) throws IOException {
        long offset = p.logStartOffset();
        long end = p.highWatermark();
        while (offset < end) {
            LogReadResult read = p.read(offset, READ_CHUNK_BYTES, true);
            if (read.error() != Errors.NONE) {
                throw new IOException("reading " + p.topicPartition() + " at offset " + offset + " failed: "
                        + read.error().name());
            }
            FileSlice slice = read.records();
            if (slice.sizeInBytes() == 0) {
                break;
            }
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
            long position = slice.position();
            while (bytes.hasRemaining()) {
                if (slice.channel().read(bytes, position + bytes.position()) < 0) {
                    throw new IOException("unexpected end of " + p.topicPartition() + " at offset " + offset);
                }
            }
            bytes.flip();
            long next = offset;
            for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                next = batch.nextOffset();
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        visitor.accept(batch, record);
                    }
                }
            }
            if (next == offset) {
                throw new IOException("no complete record batch at " + p.topicPartition() + " offset " + offset);
            }
            offset = next;
        }
    }
}
