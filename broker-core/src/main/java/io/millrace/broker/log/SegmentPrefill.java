package io.millrace.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Zero-filled space ahead of the active segment's log end, so that appends overwrite bytes the
 * file already has instead of growing it.
 *
 * <p>Why: an fsync after appending to the end of a file must also write the file's new size and
 * the blocks allocated for it (inode, block bitmaps, extent tree; on a journaling file system, a
 * journal commit), one or more extra synchronous writes per fsync. Overwriting bytes that are
 * already allocated and durable changes only data and mtime, and {@code fdatasync} skips the
 * mtime, so each group-commit fsync is a single data write. On this project's ext4 disk that
 * doubled the fsyncs per second of four concurrent writers at the same CPU. PostgreSQL zero-fills
 * its WAL segments for the same reason. The price: zeros are written once (in large pieces, off
 * the network threads) and the segment file is longer than its data until the tail is cut
 * ({@link #seal}) when the segment stops being active or at clean shutdown; after a crash,
 * {@link LogRecovery} cuts a tail of zeros without calling it damage.
 *
 * <p>A flush that finds little filled space left asks for a fill ({@link #wantsFill}), which the
 * log scheduler thread does ({@link #fillAhead}) so that no producer's flush waits for it, in
 * chunks that double while they are used up within a second (from {@value #MIN_CHUNK} bytes up to
 * {@code log.preallocate.bytes}) and halve otherwise, so a busy partition fills rarely and an idle
 * one holds little.
 *
 * <p>Thread-safety: one appender at a time (the partition lock holder) and one filler at a time
 * (a pending flag). Bytes below {@link #allocated()} are data or zeros; the appender writes
 * below it without coordination, the filler writes only at or above it. Whoever writes at or above
 * it holds the claim, taken in pieces of {@value #PIECE} bytes, so an appender that outruns the
 * fill waits for at most one piece.
 */
final class SegmentPrefill {

    static final int MIN_CHUNK = 64 * 1024;
    static final int PIECE = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(PIECE).asReadOnlyBuffer();
    private static final long REUSE_WINDOW_MS = 1000;

    private final AtomicBoolean claim = new AtomicBoolean();
    private final AtomicBoolean fillPending = new AtomicBoolean();
    private volatile int allocated;
    private volatile boolean sealed;
    /** Written by the filler, read by flushes deciding whether to ask for a fill. */
    private volatile int chunk = MIN_CHUNK;

    private long lastFillMs = Long.MIN_VALUE / 2;

    /** @param length the file's current length (all of it data) */
    SegmentPrefill(int length) {
        this.allocated = length;
    }

    /** Bytes of the file that are data or zeros already written. */
    int allocated() {
        return allocated;
    }

    /** The size of the next fill (tests). */
    int chunk() {
        return chunk;
    }

    /**
     * Before the appender writes {@code [.., end)}: true when it goes beyond the filled space, in
     * which case the claim is now held and {@link #afterWrite} must follow.
     */
    boolean beforeWrite(int end) {
        if (end <= allocated) {
            return false;
        }
        acquire();
        return true;
    }

    /** After a write that {@link #beforeWrite} claimed for (also when it failed): releases the claim. */
    void afterWrite(int end, boolean written) {
        if (written && end > allocated) {
            allocated = end;
        }
        claim.set(false);
    }

    /**
     * The segment stops being active (roll, clean shutdown) or is cut back: no more fills, and the
     * space from {@code size} is forgotten. Returns whether the file held zeros beyond {@code size},
     * which the caller then truncates (waits for a fill piece in progress first).
     */
    boolean seal(int size) {
        acquire();
        try {
            boolean tail = allocated > size;
            sealed = true;
            allocated = size;
            return tail;
        } finally {
            claim.set(false);
        }
    }

    /** No more fills (one failed); the space already filled stays usable. */
    void disable() {
        sealed = true;
    }

    /** Recovery cut the file at {@code size}: the filled space starts again there. */
    void truncated(int size) {
        acquire();
        try {
            allocated = size;
        } finally {
            claim.set(false);
        }
    }

    /**
     * Whether a fill should be started: less than half a chunk of filled space is left after
     * {@code size} (the data) and none is pending. True claims the pending fill: {@link #fillAhead}
     * must follow.
     */
    boolean wantsFill(int size, int limit, int maxChunk) {
        return !sealed
                && maxChunk > 0
                && allocated - size < chunk / 2
                && allocated < limit
                && fillPending.compareAndSet(false, true);
    }

    /** Gives up the fill {@link #wantsFill} claimed. */
    void cancelFill() {
        fillPending.set(false);
    }

    /**
     * The fill {@link #wantsFill} asked for: writes zeros up to a chunk beyond the filled space,
     * never past {@code limit} (segment.bytes); a chunk is at most {@code maxChunk} bytes. Returns
     * whether anything was written; the caller then fdatasyncs so that the space is durable before
     * data lands in it.
     */
    boolean fillAhead(FileChannel channel, int limit, int maxChunk, long nowMs) throws IOException {
        try {
            return fill(channel, limit, maxChunk, nowMs);
        } finally {
            fillPending.set(false);
        }
    }

    private boolean fill(FileChannel channel, int limit, int maxChunk, long nowMs) throws IOException {
        if (sealed || maxChunk <= 0) {
            return false;
        }
        int next = nowMs - lastFillMs < REUSE_WINDOW_MS
                ? (int) Math.min(maxChunk, chunk * 2L)
                : Math.max(MIN_CHUNK, chunk / 2);
        chunk = Math.max(Math.min(next, maxChunk), 1);
        lastFillMs = nowMs;
        long target = Math.min((long) allocated + chunk, limit);
        boolean wrote = false;
        while (true) {
            acquire();
            try {
                int from = allocated;
                if (sealed || from >= target) {
                    return wrote;
                }
                ByteBuffer zeros = ZEROS.duplicate();
                zeros.limit((int) Math.min(PIECE, target - from));
                long at = from;
                while (zeros.hasRemaining()) {
                    at += channel.write(zeros, at);
                }
                allocated = (int) at;
                wrote = true;
            } finally {
                claim.set(false);
            }
        }
    }

    private void acquire() {
        int spins = 0;
        while (!claim.compareAndSet(false, true)) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(20));
            }
        }
    }
}
