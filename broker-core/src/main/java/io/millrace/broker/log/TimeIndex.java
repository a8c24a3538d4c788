package io.millrace.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse time index of one segment: file {@code <baseOffset>.timeindex}.
 *
 * <p>Format: a sequence of 12-byte entries, no header, no checksum: {@code int64 timestamp},
 * {@code int32 relativeOffset}. Each entry records the segment's largest batch max-timestamp so
 * far and the base offset (relative to the segment) of the first batch that reached it, so
 * timestamps are strictly increasing. Entries are added alongside offset-index entries, plus a
 * final one when the segment rolls or is closed cleanly, so the last entry always carries the
 * segment's largest timestamp. One slot is kept in reserve for that final entry.
 *
 * <p>Every record before an entry's offset has a timestamp below the entry's timestamp, so the
 * first record with timestamp at least T lies in or after the batch named by the last entry whose
 * timestamp is at most T. Thread-safety as {@link SparseIndex}.
 */
final class TimeIndex extends SparseIndex {

    static final int ENTRY_SIZE = 12;

    TimeIndex(Path file, long baseOffset, SegmentChannels channels) {
        super(file, ENTRY_SIZE, baseOffset, channels);
    }

    /** Full for ordinary entries: the last slot is reserved for the final entry at roll. */
    @Override
    boolean isFull() {
        return isWritable() && publishedEntries() >= maxEntries() - 1;
    }

    /** Adds (timestamp, offset) if the timestamp is larger than the last entry's. */
    void maybeAppend(long timestamp, long batchBaseOffset, boolean finalEntry) throws IOException {
        int at = nextEntryPosition();
        if (timestamp < 0 || at < 0 || (!finalEntry && isFull())) {
            return;
        }
        ByteBuffer b = buffer();
        int n = publishedEntries();
        if (n > 0 && b.getLong((n - 1) * ENTRY_SIZE) >= timestamp) {
            return;
        }
        b.putLong(at, timestamp);
        b.putInt(at + 8, relative(batchBaseOffset));
        publishEntry();
    }

    /** Absolute offset from which to search for the first record with timestamp at least {@code target}. */
    long lookup(long target) throws IOException {
        ByteBuffer b = buffer();
        int n = floorEntry(b, target);
        return n < 0 ? baseOffset() : absolute(b.getInt(n * ENTRY_SIZE + 8));
    }

    /** The last entry as {timestamp, absolute offset}, or null when empty. */
    long[] lastEntry() throws IOException {
        ByteBuffer b = buffer();
        int n = entries();
        if (n == 0) {
            return null;
        }
        int at = (n - 1) * ENTRY_SIZE;
        return new long[] {b.getLong(at), absolute(b.getInt(at + 8))};
    }

    /** Cheap consistency check of a read-only index: timestamps and offsets increasing at the ends. */
    boolean looksValid() throws IOException {
        ByteBuffer b = buffer();
        int n = entries();
        if (n <= 1) {
            return n == 0 || b.getInt(8) >= 0;
        }
        int last = (n - 1) * ENTRY_SIZE;
        return b.getLong(last) > b.getLong(0) && b.getInt(last + 8) >= b.getInt(8) && b.getInt(8) >= 0;
    }

    @Override
    protected long keyAt(ByteBuffer b, int at) {
        return b.getLong(at);
    }
}
