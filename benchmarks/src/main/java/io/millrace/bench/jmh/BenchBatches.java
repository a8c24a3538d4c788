package io.millrace.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

/** Record batches as a kafka-clients producer builds them, and temporary-directory cleanup, for the JMH states. */
final class BenchBatches {

    private BenchBatches() {}

    /** An uncompressed, non-idempotent v2 batch of {@code records} records of {@code valueSize} random bytes. */
    static ByteBuffer batch(int records, int valueSize) {
        byte[] value = new byte[valueSize];
        new Random(7).nextBytes(value);
        ByteBuffer buffer = ByteBuffer.allocate(records * (valueSize + 32) + 128);
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                buffer, RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        long now = System.currentTimeMillis();
        for (int i = 0; i < records; i++) {
            builder.append(now, null, value);
        }
        return builder.build().buffer();
    }

    /** A private, writable copy of {@code template} (append stamps the base offset into the batch it is given). */
    static ByteBuffer copy(ByteBuffer template) {
        ByteBuffer b = ByteBuffer.allocate(template.remaining());
        b.put(template.duplicate()).flip();
        return b;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
