package io.millrace.broker.coordinator.group;

import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.AppendResult;
import io.millrace.broker.log.FileSlice;
import io.millrace.broker.log.LogReadResult;
import io.millrace.broker.replication.Partition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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
 * {@code __consumer_offsets} over the broker's own partitions: records become uncompressed
 * RecordBatch v2 batches (key and value from {@link GroupRecordSerde}, no producer id) appended
 * with {@link AppendOrigin#COORDINATOR}; records that do not fit one batch of the topic's
 * {@code max.message.bytes} are split over several. Durability comes from the partition's
 * group commit. Appends happen on the coordinator thread only, so each partition's writes are
 * ordered; completions hop back to that thread through the executor.
 */
public final class PartitionOffsetsLog implements OffsetsLog {

    private static final Logger log = LoggerFactory.getLogger(PartitionOffsetsLog.class);
    private static final int READ_CHUNK_BYTES = 1 << 20;

    private final List<? extends Partition> partitions;
    private final CoordinatorExecutor executor;
    private final long[] appendedEnd;

    public PartitionOffsetsLog(List<? extends Partition> partitions, CoordinatorExecutor executor) {
        this.partitions = List.copyOf(partitions);
        this.executor = executor;
        this.appendedEnd = new long[partitions.size()];
    }

    @Override
    public int partitionCount() {
        return partitions.size();
    }

    @Override
    public void append(int partition, List<GroupRecord> records, long timestampMs, Consumer<Errors> done) {
        Partition p = partitions.get(partition);
        long lastOffset = -1;
        for (ByteBuffer batch : batches(records, timestampMs, p.config().maxMessageBytes())) {
            AppendResult result = p.append(batch, AppendOrigin.COORDINATOR);
            if (!result.succeeded()) {
                log.error("Could not append {} group record(s) to {}: {} {}", records.size(), p.topicPartition(),
                    result.error().name(), result.errorMessage() == null ? "" : result.errorMessage());
                executor.execute(() -> done.accept(result.error()));
                return;
            }
            lastOffset = result.lastOffset();
        }
        appendedEnd[partition] = lastOffset + 1;
        p.whenDurable(lastOffset + 1, error -> executor.execute(() -> done.accept(error)));
    }

    @Override
    public void afterDurable(int partition, Consumer<Errors> done) {
        long end = appendedEnd[partition];
        if (end == 0) {
            done.accept(Errors.NONE);
            return;
        }
        partitions.get(partition).whenDurable(end, error -> executor.execute(() -> done.accept(error)));
    }

    /** Packs records into as few batches as fit {@code maxBatchBytes} (one record per batch at least). */
    static List<ByteBuffer> batches(List<GroupRecord> records, long timestampMs, int maxBatchBytes) {
        List<ByteBuffer> out = new ArrayList<>();
        MemoryRecordsBuilder builder = null;
        for (GroupRecord r : records) {
            byte[] key = GroupRecordSerde.key(r);
            byte[] value = GroupRecordSerde.value(r);
            if (builder != null && !builder.hasRoomFor(timestampMs, key, value, Record.EMPTY_HEADERS)) {
                out.add(builder.build().buffer());
                builder = null;
            }
            if (builder == null) {
                int size = Math.max(maxBatchBytes, 256);
                builder = new MemoryRecordsBuilder(ByteBuffer.allocate(Math.min(size, 64 * 1024)),
                    RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE, TimestampType.CREATE_TIME, 0L, timestampMs,
                    RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, false,
                    RecordBatch.NO_PARTITION_LEADER_EPOCH, size);
            }
            builder.append(timestampMs, key, value);
        }
        if (builder != null) {
            out.add(builder.build().buffer());
        }
        return out;
    }

    @Override
    public void replay(int partition, Consumer<GroupRecord> sink) throws IOException {
        Partition p = partitions.get(partition);
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
                int n = slice.channel().read(bytes, position + bytes.position());
                if (n < 0) {
                    throw new IOException("unexpected end of " + p.topicPartition() + " at offset " + offset);
                }
            }
            bytes.flip();
            long next = offset;
            for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                next = batch.nextOffset();
                if (batch.isControlBatch()) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() < offset || !record.hasKey()) {
                        continue;
                    }
                    GroupRecord decoded = GroupRecordSerde.decode(record.key(), record.value());
                    if (decoded == null) {
                        log.warn("Skipping a record of unknown type at {} offset {} (written by a newer broker?)",
                            p.topicPartition(), record.offset());
                    } else {
                        sink.accept(decoded);
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
