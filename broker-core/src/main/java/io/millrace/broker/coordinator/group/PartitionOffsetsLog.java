package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.CoordinatorExecutor;
import io.millrace.broker.coordinator.PartitionRecords;
import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.VerificationGuard;
import io.millrace.broker.replication.Partition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code __consumer_offsets} over the broker's own partitions: records become uncompressed
 * RecordBatch v2 batches (key and value from {@link GroupRecordSerde}, no producer id) appended
 * with {@link AppendOrigin#COORDINATOR}; records that do not fit one batch of the topic's
 * {@code max.message.bytes} are split over several; offsets committed within a transaction are one
 * transactional batch of the producer, which the transaction's marker commits or aborts (replay
 * reports both). Durability comes from the partition's
 * group commit. Appends happen on the coordinator thread only, so each partition's writes are
 * ordered; completions hop back to that thread through the executor.
 */
public final class PartitionOffsetsLog implements OffsetsLog {

    private static final Logger log = LoggerFactory.getLogger(PartitionOffsetsLog.class);

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
        write(
                partition,
                batches(records, timestampMs, partitions.get(partition).config().maxMessageBytes()),
                VerificationGuard.DISABLED,
                records.size(),
                done);
    }

    @Override
    public void appendTransactional(
            int partition,
            List<GroupRecord> records,
            long producerId,
            short producerEpoch,
            VerificationGuard guard,
            long timestampMs,
            Consumer<Errors> done) {
        // One batch, however large: a transaction's offsets of one group are all-or-nothing.
        write(
                partition,
                batches(records, timestampMs, Integer.MAX_VALUE, producerId, producerEpoch),
                guard,
                records.size(),
                done);
    }

    private void write(
            int partition, List<ByteBuffer> batches, VerificationGuard guard, int count, Consumer<Errors> done) {
        long end = PartitionRecords.appendDurably(
                partitions.get(partition), batches, guard, count + " group record(s)", executor, done);
        if (end >= 0) {
            appendedEnd[partition] = end;
        }
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
        return batches(records, timestampMs, maxBatchBytes, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
    }

    /** As {@link #batches(List, long, int)}; with a producer id the batches are transactional. */
    static List<ByteBuffer> batches(
            List<GroupRecord> records, long timestampMs, int maxBatchBytes, long producerId, short producerEpoch) {
        boolean transactional = producerId != RecordBatch.NO_PRODUCER_ID;
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
                builder = new MemoryRecordsBuilder(
                        ByteBuffer.allocate(Math.min(size, 64 * 1024)),
                        RecordBatch.CURRENT_MAGIC_VALUE,
                        Compression.NONE,
                        TimestampType.CREATE_TIME,
                        0L,
                        timestampMs,
                        producerId,
                        producerEpoch,
                        transactional ? 0 : RecordBatch.NO_SEQUENCE,
                        transactional,
                        false,
                        RecordBatch.NO_PARTITION_LEADER_EPOCH,
                        size);
            }
            builder.append(timestampMs, key, value);
        }
        if (builder != null) {
            out.add(builder.build().buffer());
        }
        return out;
    }

    @Override
    public void replay(int partition, ReplaySink sink) throws IOException {
        Partition p = partitions.get(partition);
        PartitionRecords.replay(p, (batch, record) -> {
            if (batch.isControlBatch()) {
                ControlRecordType type = ControlRecordType.parse(record.key());
                if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                    sink.marker(batch.producerId(), type == ControlRecordType.COMMIT);
                }
                return;
            }
            if (!record.hasKey()) {
                return;
            }
            GroupRecord decoded = GroupRecordSerde.decode(record.key(), record.value());
            if (decoded == null) {
                log.warn(
                        "Skipping a record of unknown type at {} offset {} (written by a newer broker?)",
                        p.topicPartition(),
                        record.offset());
            } else if (batch.isTransactional()) {
                sink.transactionalRecord(batch.producerId(), decoded);
            } else {
                sink.record(decoded);
            }
        });
    }
}
