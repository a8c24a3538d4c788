package io.millrace.broker.log;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's map from record key to the latest offset written for it, for one cleaning pass
 * over the dirty part of a log (Kafka's "SkimpyOffsetMap").
 *
 * <p>A key is stored as its 128-bit MD5 digest, not its bytes, so every entry costs
 * {@value #BYTES_PER_SLOT} bytes whatever the key size: open addressing with linear probing over
 * three parallel {@code long} arrays (digest high, digest low, offset + 1, where 0 marks a free
 * slot). Two keys with the same digest would be treated as one; at 128 bits this is negligible
 * (as in Kafka). The table is sized per pass for the records to be mapped ({@link #reset}) and
 * never beyond the memory bound given at construction; at most {@value #LOAD_FACTOR} of the slots
 * are used. When a new key no longer fits, {@link #put} refuses it and the pass compacts only
 * what the map covers ({@link #latestOffset()}).
 *
 * <p>Not thread-safe: each cleaner thread owns one.
 */
final class OffsetMap {

    static final int BYTES_PER_SLOT = 24;
    static final double LOAD_FACTOR = 0.75;
    private static final int MIN_SLOTS = 64;
    /** A table this many times larger than needed is given back to the garbage collector. */
    private static final int SHRINK_FACTOR = 4;

    private final int maxSlots;
    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private long[] high = new long[0];
    private long[] low = new long[0];
    private long[] offsets = new long[0];
    private int slots;
    private int limit;
    private int size;
    private long latestOffset = -1;

    /**
     * @param maxBytes memory the table may use at most
     * @throws IllegalArgumentException if that is not enough for even one key
     */
    OffsetMap(long maxBytes) {
        this.maxSlots = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes / BYTES_PER_SLOT);
        if ((int) (maxSlots * LOAD_FACTOR) < 1) {
            throw new IllegalArgumentException("A key-to-offset map of " + maxBytes + " bytes cannot hold a single"
                    + " key; raise log.cleaner.dedupe.buffer.size or lower log.cleaner.threads");
        }
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM provides no MD5 digest", e);
        }
    }

    /** Most keys any pass can map (the memory bound). */
    int maxKeys() {
        return (int) (maxSlots * LOAD_FACTOR);
    }

    /** Empties the map and sizes it for up to {@code expectedKeys} keys, within the memory bound. */
    void reset(long expectedKeys) {
        long wanted = (long) Math.ceil(Math.max(1, expectedKeys) / LOAD_FACTOR) + 1;
        int n = (int) Math.min(maxSlots, Math.max(MIN_SLOTS, wanted));
        if (offsets.length < n || offsets.length > (long) SHRINK_FACTOR * n) {
            high = new long[n];
            low = new long[n];
            offsets = new long[n];
        } else {
            Arrays.fill(offsets, 0, n, 0L);
        }
        slots = n;
        limit = Math.max(1, (int) (n * LOAD_FACTOR));
        size = 0;
        latestOffset = -1;
    }

    /** Bytes currently allocated for the table. */
    long allocatedBytes() {
        return (long) offsets.length * BYTES_PER_SLOT;
    }

    int size() {
        return size;
    }

    /** Keys mapped as a share of the most any pass can map (the memory bound). */
    double utilization() {
        return (double) size / maxKeys();
    }

    /**
     * Records {@code offset} as the latest offset of {@code key} (the buffer's remaining bytes;
     * its position is left unchanged).
     *
     * @return false, changing nothing, when the key is new and the map is full
     */
    boolean put(ByteBuffer key, long offset) {
        int i = slotOf(key);
        if (offsets[i] == 0) {
            if (size >= limit) {
                return false;
            }
            high[i] = longAt(digest, 0);
            low[i] = longAt(digest, 8);
            size++;
        }
        offsets[i] = offset + 1;
        updateLatestOffset(offset);
        return true;
    }

    /** The latest offset recorded for {@code key}, or -1 when it is not in the map. */
    long get(ByteBuffer key) {
        return size == 0 ? -1 : offsets[slotOf(key)] - 1;
    }

    /** The slot holding {@code key}, or the free slot where it would go; leaves its digest in {@link #digest}. */
    private int slotOf(ByteBuffer key) {
        hash(key);
        long h = longAt(digest, 0);
        long l = longAt(digest, 8);
        int i = (int) Long.remainderUnsigned(h, slots);
        while (offsets[i] != 0 && (high[i] != h || low[i] != l)) {
            i = i + 1 == slots ? 0 : i + 1;
        }
        return i;
    }

    /** The last offset the map accounts for: every keyed record up to it is mapped. */
    long latestOffset() {
        return latestOffset;
    }

    void updateLatestOffset(long offset) {
        if (offset > latestOffset) {
            latestOffset = offset;
        }
    }

    private void hash(ByteBuffer key) {
        int position = key.position();
        md5.update(key);
        key.position(position);
        try {
            md5.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long longAt(byte[] d, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (d[i] & 0xFF);
        }
        return v;
    }
}
