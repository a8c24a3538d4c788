package io.millrace.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse offset index of one segment: file {@code <baseOffset>.index}.
 *
 * <p>Format: a sequence of 8-byte entries, no header, no checksum (it is rebuilt from the log
 * when in doubt): {@code int32 relativeOffset} (batch base offset minus the segment's base
 * offset), {@code int32 position} (byte position of that batch in the {@code .log} file).
 * Entries are strictly increasing in both fields. The segment adds one entry after at least
 * index.interval.bytes of batches were written since the previous one, so the first batch of a
 * segment (position 0) is never indexed.
 *
 * <p>A lookup returns the position of the last indexed batch whose base offset is at most the
 * target: the batch holding the target starts there or later. Thread-safety as
 * {@link SparseIndex}.
 */
final class OffsetIndex extends SparseIndex {

    static final int ENTRY_SIZE = 8;

    OffsetIndex(Path file, long baseOffset, SegmentChannels channels) {
        super(file, ENTRY_SIZE, baseOffset, channels);
    }

    /** Adds an entry; false when the index is full or read-only (the caller keeps going unindexed). */
    boolean append(long batchBaseOffset, int position) throws IOException {
        int at = nextEntryPosition();
        if (at < 0) {
            return false;
        }
        ByteBuffer b = buffer();
        b.putInt(at, relative(batchBaseOffset));
        b.putInt(at + 4, position);
        publishEntry();
        return true;
    }

    /** File position from which to scan for the batch holding {@code targetOffset} (0 if unindexed). */
    int lookup(long targetOffset) throws IOException {
        ByteBuffer b = buffer();
        long relative = targetOffset - baseOffset();
        if (relative < 0) {
            return 0;
        }
        int n = floorEntry(b, relative);
        return n < 0 ? 0 : b.getInt(n * ENTRY_SIZE + 4);
    }

    /**
     * Base offset of the first indexed batch at or after file position {@code position}, or -1 when
     * no indexed batch lies there (an upper bound for the offsets of the bytes before it).
     */
    long offsetAtOrAfterPosition(int position) throws IOException {
        ByteBuffer b = buffer();
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (b.getInt(mid * ENTRY_SIZE + 4) >= position) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found < 0 ? -1 : absolute(b.getInt(found * ENTRY_SIZE));
    }

    /** Position of the last entry, or 0 when empty. */
    int lastPosition() throws IOException {
        ByteBuffer b = buffer();
        int n = entries();
        return n == 0 ? 0 : b.getInt((n - 1) * ENTRY_SIZE + 4);
    }

    /**
     * Cheap consistency check of a read-only index against its log size: entries increasing at the
     * ends, every position inside the log.
     */
    boolean looksValid(long logSize) throws IOException {
        ByteBuffer b = buffer();
        int n = entries();
        if (n == 0) {
            return true;
        }
        int firstRel = b.getInt(0);
        int lastRel = b.getInt((n - 1) * ENTRY_SIZE);
        int firstPos = b.getInt(4);
        int lastPos = b.getInt((n - 1) * ENTRY_SIZE + 4);
        return firstRel > 0
                && firstPos > 0
                && lastPos < logSize
                && (n == 1 || (lastRel > firstRel && lastPos > firstPos));
    }

    @Override
    protected long keyAt(ByteBuffer b, int at) {
        return b.getInt(at);
    }
}
