package io.millrace.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A memory-mapped file of fixed-size entries sorted by a key; the shared machinery of
 * {@link OffsetIndex} and {@link TimeIndex}. Both index one segment and store offsets as int32
 * relative to the segment's base offset ({@link #relative}, {@link #absolute}).
 *
 * <p>Two states. <em>Writable</em> (the active segment's index): the file is preallocated to the
 * segment.index.bytes limit and mapped read-write; the valid entries are the first
 * {@link #entries()} ones and the zeroed tail is not part of the index. <em>Read-only</em>
 * (closed segments): the file holds exactly the valid entries and is mapped lazily on first
 * lookup. {@link #trim()} turns a writable index into a read-only one by truncating the file to its
 * entries (done when the segment rolls and on clean shutdown).
 *
 * <p>Thread-safety: one writer (the partition's append lock holder) appends; any number of
 * readers look up concurrently. Entries are written with absolute puts before the volatile entry
 * count is raised, so a reader that sees {@code n} entries sees their bytes. Mappings are never
 * unmapped explicitly (a reader may still hold one); the garbage collector releases them.
 */
abstract class SparseIndex {

    private final FileChannelFactory channels;
    private final int entrySize;
    private final long baseOffset;
    private volatile Path file;
    private volatile ByteBuffer map;
    private volatile int entries;
    private volatile int maxEntries;
    private volatile boolean writable;

    SparseIndex(Path file, int entrySize, long baseOffset, FileChannelFactory channels) {
        this.file = file;
        this.entrySize = entrySize;
        this.baseOffset = baseOffset;
        this.channels = channels;
    }

    Path file() {
        return file;
    }

    int entrySize() {
        return entrySize;
    }

    /** Number of valid entries (loads a read-only index if it was not loaded yet). */
    int entries() throws IOException {
        buffer();
        return entries;
    }

    boolean isWritable() {
        return writable;
    }

    /** Whether the writable index has room for no more entries. */
    boolean isFull() {
        return writable && entries >= maxEntries;
    }

    /** Capacity of the writable index, in entries. */
    int maxEntries() {
        return maxEntries;
    }

    /** The mapping, loading a read-only index on first use. */
    final ByteBuffer buffer() throws IOException {
        ByteBuffer b = map;
        if (b == null) {
            synchronized (this) {
                b = map;
                if (b == null) {
                    b = loadReadOnly();
                }
            }
        }
        return b;
    }

    private ByteBuffer loadReadOnly() throws IOException {
        long length;
        ByteBuffer b;
        try (FileChannel ch = channels.open(file, StandardOpenOption.READ)) {
            length = ch.size() - ch.size() % entrySize;
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, length);
        } catch (NoSuchFileException e) {
            length = 0;
            b = ByteBuffer.allocate(0);
        }
        entries = (int) (length / entrySize);
        map = b;
        return b;
    }

    /**
     * Opens the index for appending: keeps its current entries (the file must hold only valid
     * entries) unless {@code discardExisting}, then preallocates room up to {@code maxIndexBytes}.
     * A no-op (apart from discarding) when already writable.
     */
    synchronized void openForAppend(int maxIndexBytes, boolean discardExisting) throws IOException {
        if (writable) {
            if (discardExisting) {
                entries = 0;
            }
            return;
        }
        try (FileChannel ch =
                channels.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (discardExisting) {
                ch.truncate(0);
            }
            long valid = ch.size() - ch.size() % entrySize;
            long capacity = Math.max(valid, maxIndexBytes - maxIndexBytes % entrySize);
            capacity = Math.max(capacity, 2L * entrySize);
            if (ch.size() > capacity) {
                ch.truncate(capacity);
            } else if (ch.size() < capacity) {
                ch.write(ByteBuffer.allocate(1), capacity - 1);
            }
            map = ch.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
            entries = (int) (valid / entrySize);
            maxEntries = (int) (capacity / entrySize);
            writable = true;
        }
    }

    /**
     * Byte position where the next entry goes in {@link #writableBuffer()}, or -1 when the index
     * is read-only or full. The single writer fills the entry, then calls {@link #publishEntry()}.
     */
    /** The base offset of the segment this index belongs to. */
    final long baseOffset() {
        return baseOffset;
    }

    /** {@code offset} as stored in an entry: relative to the segment's base offset. */
    protected final int relative(long offset) {
        return (int) (offset - baseOffset);
    }

    /** The offset an entry's {@code relativeOffset} stands for. */
    protected final long absolute(int relativeOffset) {
        return baseOffset + relativeOffset;
    }

    protected final int nextEntryPosition() {
        return writable && entries < maxEntries ? entries * entrySize : -1;
    }

    protected final ByteBuffer writableBuffer() {
        return map;
    }

    /** Makes the entry written at {@link #nextEntryPosition()} visible to readers. */
    protected final void publishEntry() {
        entries = entries + 1;
    }

    /** Entries currently published, without loading anything (for the writer). */
    protected final int publishedEntries() {
        return entries;
    }

    /**
     * Truncates the file to its valid entries and remaps it read-only. The file is not fsynced
     * here; call {@link #sync()} (the group-commit thread does) before relying on it after a crash.
     */
    synchronized void trim() throws IOException {
        if (!writable) {
            return;
        }
        long length = (long) entries * entrySize;
        try (FileChannel ch = channels.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.truncate(length);
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, length);
        }
        writable = false;
        maxEntries = entries;
    }

    /** fsyncs the index file (its data and its length). */
    void sync() throws IOException {
        try (FileChannel ch = channels.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            // A read-only index that was never created (empty segment) has nothing to sync.
        }
    }

    /** Renames the file (e.g. to its {@code .deleted} name); mappings stay valid. */
    synchronized void renameTo(Path target) throws IOException {
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // Nothing on disk to rename.
        }
        file = target;
    }

    void deleteIfExists() throws IOException {
        Files.deleteIfExists(file);
    }

    /**
     * Index of the last entry whose key is at most {@code target}, or -1 when every key is larger
     * (or the index is empty). Binary search over the published entries.
     */
    protected final int floorEntry(ByteBuffer b, long target) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(b, mid * entrySize) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The search key of the entry starting at byte {@code at}. */
    protected abstract long keyAt(ByteBuffer b, int at);
}
