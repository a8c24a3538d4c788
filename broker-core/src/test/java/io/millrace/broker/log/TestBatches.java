package io.millrace.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/** Builds produce-style record batches with kafka-clients' builder, and decodes what the log returns. */
final class TestBatches {

    private TestBatches() {}

    /** An uncompressed, non-idempotent CreateTime batch; every record gets {@code timestamp}. */
    static ByteBuffer batch(long timestamp, String... values) {
        return compressed(Compression.NONE, timestamps(timestamp, values.length), values);
    }

    static ByteBuffer compressed(Compression compression, long[] timestamps, String... values) {
        return build(
                compression,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                timestamps,
                values);
    }

    static ByteBuffer idempotent(long producerId, short epoch, int baseSequence, long timestamp, String... values) {
        return build(
                Compression.NONE, producerId, epoch, baseSequence, false, timestamps(timestamp, values.length), values);
    }

    static ByteBuffer transactional(long producerId, short epoch, int baseSequence, long timestamp, String... values) {
        return build(
                Compression.NONE, producerId, epoch, baseSequence, true, timestamps(timestamp, values.length), values);
    }

    static ByteBuffer build(
            Compression compression,
            long producerId,
            short epoch,
            int baseSequence,
            boolean transactional,
            long[] timestamps,
            String... values) {
        MemoryRecordsBuilder builder =
                builder(values.length, compression, producerId, epoch, baseSequence, transactional);
        for (int i = 0; i < values.length; i++) {
            builder.appendWithOffset(
                    i,
                    timestamps[i],
                    ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return builder.build().buffer();
    }

    /**
     * A batch of keyed records from {@code keyValues} (key, value, key, value, ...; a null key is a
     * record without key, a null value a tombstone), every record with {@code timestamp}.
     */
    static ByteBuffer keyed(
            Compression compression,
            long producerId,
            short epoch,
            int baseSequence,
            long timestamp,
            String... keyValues) {
        return keyed(compression, producerId, epoch, baseSequence, false, timestamp, keyValues);
    }

    /** A transactional batch of keyed records (key, value, ...). */
    static ByteBuffer transactionalKeyed(
            long producerId, short epoch, int baseSequence, long timestamp, String... keyValues) {
        return keyed(Compression.NONE, producerId, epoch, baseSequence, true, timestamp, keyValues);
    }

    private static ByteBuffer keyed(
            Compression compression,
            long producerId,
            short epoch,
            int baseSequence,
            boolean transactional,
            long timestamp,
            String... keyValues) {
        MemoryRecordsBuilder builder =
                builder(keyValues.length, compression, producerId, epoch, baseSequence, transactional);
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.appendWithOffset(i / 2, timestamp, utf8(keyValues[i]), utf8(keyValues[i + 1]));
        }
        return builder.build().buffer();
    }

    /** A magic-2 CreateTime batch builder from offset 0, its buffer sized for {@code items} keys or values. */
    private static MemoryRecordsBuilder builder(
            int items, Compression compression, long producerId, short epoch, int baseSequence, boolean transactional) {
        return MemoryRecords.builder(
                ByteBuffer.allocate(1024 + 64 * items),
                RecordBatch.MAGIC_VALUE_V2,
                compression,
                TimestampType.CREATE_TIME,
                0L,
                RecordBatch.NO_TIMESTAMP,
                producerId,
                epoch,
                baseSequence,
                transactional,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    /** A transaction marker (control batch) as the coordinator writes it. */
    static ByteBuffer marker(long producerId, short epoch, int coordinatorEpoch, boolean commit, long timestamp) {
        return MemoryRecords.withEndTransactionMarker(
                        0L,
                        timestamp,
                        RecordBatch.NO_PARTITION_LEADER_EPOCH,
                        producerId,
                        epoch,
                        new EndTransactionMarker(
                                commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch))
                .buffer();
    }

    static ByteBuffer keyed(long timestamp, String... keyValues) {
        return keyed(
                Compression.NONE,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                timestamp,
                keyValues);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** One record as read back: offset, key and value (null for a tombstone), and its batch's codec. */
    record Entry(long offset, String key, String value, String codec) {}

    /** The data records of a slice (control batches, i.e. transaction markers, are skipped as consumers do). */
    static List<Entry> entriesOf(FileSlice slice) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (MutableRecordBatch b : batchesOf(slice)) {
            if (b.isControlBatch()) {
                continue;
            }
            for (Record r : b) {
                out.add(new Entry(r.offset(), string(r.key()), string(r.value()), b.compressionType().name));
            }
        }
        return out;
    }

    private static String string(ByteBuffer b) {
        return b == null ? null : StandardCharsets.UTF_8.decode(b).toString();
    }

    static long[] timestamps(long ts, int n) {
        long[] out = new long[n];
        java.util.Arrays.fill(out, ts);
        return out;
    }

    static String[] values(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = prefix + i;
        }
        return out;
    }

    /** A copy of the batch bytes (the log may modify the buffer it is given). */
    static byte[] bytesOf(ByteBuffer batch) {
        byte[] out = new byte[batch.remaining()];
        batch.duplicate().get(out);
        return out;
    }

    /** The bytes a slice refers to. */
    static byte[] bytesOf(FileSlice slice) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        while (buffer.hasRemaining()) {
            if (slice.channel().read(buffer, slice.position() + buffer.position()) < 0) {
                throw new IOException("short read");
            }
        }
        return buffer.array();
    }

    /** Whole batches in the slice (a trailing partial batch is ignored, as clients do). */
    static List<MutableRecordBatch> batchesOf(FileSlice slice) throws IOException {
        List<MutableRecordBatch> out = new ArrayList<>();
        for (MutableRecordBatch b :
                MemoryRecords.readableRecords(ByteBuffer.wrap(bytesOf(slice))).batches()) {
            out.add(b);
        }
        return out;
    }

    static List<String> valuesOf(FileSlice slice) throws IOException {
        List<String> out = new ArrayList<>();
        for (MutableRecordBatch b : batchesOf(slice)) {
            for (Record r : b) {
                out.add(StandardCharsets.UTF_8.decode(r.value()).toString());
            }
        }
        return out;
    }

    static List<Long> offsetsOf(FileSlice slice) throws IOException {
        List<Long> out = new ArrayList<>();
        for (MutableRecordBatch b : batchesOf(slice)) {
            for (Record r : b) {
                out.add(r.offset());
            }
        }
        return out;
    }
}
