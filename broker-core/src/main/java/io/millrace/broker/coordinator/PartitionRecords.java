package io.millrace.broker.coordinator;

import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.AppendResult;
import io.millrace.broker.log.FileSlice;
import io.millrace.broker.log.LogReadResult;
import io.millrace.broker.log.VerificationGuard;
import io.millrace.broker.replication.Partition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading and writing the key/value records of a coordinator's internal topic partition: batches
 * of one record for appends, and a replay of every durable record from the log start. Stateless.
 */
public final class PartitionRecords {

    private static final Logger log = LoggerFactory.getLogger(PartitionRecords.class);

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
     * Appends a coordinator's batches to the partition in order. {@code done} runs on the
     * coordinator thread with NONE once they are durable, or with the error of the first append the
     * partition refused (logged, naming {@code what} was being written).
     *
     * @return the offset after the last batch, or -1 when an append was refused
     */
    public static long appendDurably(
            Partition p,
            List<ByteBuffer> batches,
            VerificationGuard guard,
            String what,
            CoordinatorExecutor executor,
            Consumer<Errors> done) {
        long lastOffset = -1;
        for (ByteBuffer batch : batches) {
            AppendResult result = p.append(batch, AppendOrigin.COORDINATOR, guard);
            if (!result.succeeded()) {
                log.error(
                        "Could not append {} to {}: {} {}",
                        what,
                        p.topicPartition(),
                        result.error().name(),
                        result.errorMessage() == null ? "" : result.errorMessage());
                executor.execute(() -> done.accept(result.error()));
                return -1;
            }
            lastOffset = result.lastOffset();
        }
        p.whenDurable(lastOffset + 1, error -> executor.execute(() -> done.accept(error)));
        return lastOffset + 1;
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
