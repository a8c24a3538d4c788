package io.millrace.bench.flink;

import java.nio.ByteBuffer;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The benchmark's record values: {@code size} bytes whose first eight hold the record's index (the
 * rest a fixed filler), so a reader can tell every record apart and count duplicates. Used for the
 * pre-produced source input and by the sink jobs' generator alike. Stateless.
 */
final class BenchRecords {

    private BenchRecords() {}

    /** The value of record {@code index}. */
    static byte[] value(long index, int size) {
        byte[] value = new byte[size];
        ByteBuffer.wrap(value).putLong(index);
        for (int i = Long.BYTES; i < size; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        return value;
    }

    /** The index a value was made from. */
    static long index(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    /** A generator of the values of records 0, 1, 2 ... for the sink jobs. */
    static GeneratorFunction<Long, byte[]> generator(int size) {
        if (size < Long.BYTES) {
            throw new IllegalArgumentException("Records need at least " + Long.BYTES + " bytes, not " + size);
        }
        return index -> value(index, size);
    }
}
