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
 * (closed segments): the file holds exactly the valid entries and is mapped read-only.
 * {@link #trim()} turns a writable index into a read-only one by truncating the file to its
 * entries (done when the segment rolls and on clean shutdown).
 *
 * <p>Mappings are made on first use (a new segment's preallocated index is not mapped until its
 * first entry or lookup) and registered in the node's cache of mappings
 * ({@link SegmentChannels#mappedIndexes()}), which drops the mapping of an index that has been
 * idle longest; the next use maps the file again (a writable index with the same capacity: its
 * entry count stays in memory, its entries in the file, which the dropped mapping wrote through
 * the shared page cache). A dropped mapping is never unmapped explicitly, since a reader may still
 * hold it: it stays valid for that reader and the garbage collector unmaps it once unreachable.
 * So the process may hold more mappings than the cache's bound until the next collection (the
 * JDK collects when a map fails for want of mappings, see {@link SegmentChannels#map}).
 *
 * <p>Thread-safety: one writer (the partition's append lock holder) appends; any number of
 * readers look up concurrently. Entries are written with absolute puts before the volatile entry
 * count is raised, so a reader that sees {@code n} entries sees their bytes. Mapping, trimming and
 * renaming take this object's monitor; the cache drops a mapping without it (a volatile write).
 */
abstract class SparseIndex implements OpenFileCache.Entry {

    /** {@link #entries} of a read-only index not loaded yet. */
    private static final int UNKNOWN = -1;

    private final SegmentChannels channels;
    private final int entrySize;
    private final long baseOffset;
    private volatile Path file;
    /** The mapping, or null when not mapped (yet, or any more). */
    private volatile ByteBuffer map;

    private volatile int entries = UNKNOWN;
    private volatile int maxEntries;
    private volatile boolean writable;
    private volatile boolean used;
    /** Guarded by the cache's monitor. */
    private int slot = -1;

    SparseIndex(Path file, int entrySize, long baseOffset, SegmentChannels channels) {
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
        int n = entries;
        if (n == UNKNOWN) {
            buffer();
            n = entries;
        }
        return n;
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

    /** The mapping, mapping the file if it is not mapped now. */
    final ByteBuffer buffer() throws IOException {
        ByteBuffer b = map;
        if (b == null) {
            synchronized (this) {
                b = map;
                if (b == null) {
                    b = writable ? mapWritable() : loadReadOnly();
                }
            }
        }
        if (!used) {
            used = true;
        }
        return b;
    }

    private ByteBuffer loadReadOnly() throws IOException {
        long length;
        ByteBuffer b;
        try (FileChannel ch = channels.open(file, StandardOpenOption.READ)) {
            length = ch.size() - ch.size() % entrySize;
            b = channels.map(ch, FileChannel.MapMode.READ_ONLY, length, file);
        } catch (NoSuchFileException e) {
            length = 0;
            b = ByteBuffer.allocate(0);
        }
        entries = (int) (length / entrySize);
        return publish(b, length > 0);
    }

    private ByteBuffer mapWritable() throws IOException {
        try (FileChannel ch = channels.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return publish(channels.map(ch, FileChannel.MapMode.READ_WRITE, (long) maxEntries * entrySize, file), true);
        }
    }

    /** Makes {@code b} the mapping; a real mapping (not an empty or heap buffer) joins the cache. */
    private ByteBuffer publish(ByteBuffer b, boolean mapped) {
        map = b;
        if (mapped) {
            used = true;
            channels.mappedIndexes().add(this);
            channels.mappedIndexes().trim();
        } else {
            channels.mappedIndexes().remove(this);
        }
        return b;
    }

    /** Forgets the mapping (the file changes size); the next use maps the file again. */
    private void unmap() {
        map = null;
        channels.mappedIndexes().remove(this);
    }

    /**
     * Opens the index for appending: keeps its current entries (the file must hold only valid
     * entries) unless {@code discardExisting}, then preallocates room up to {@code maxIndexBytes}.
     * The file is mapped on first use. A no-op (apart from discarding) when already writable.
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
            unmap();
            entries = (int) (valid / entrySize);
            maxEntries = (int) (capacity / entrySize);
            writable = true;
        }
    }

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

    /**
     * Byte position where the next entry goes in {@link #buffer()}, or -1 when the index is
     * read-only or full. The single writer fills the entry, then calls {@link #publishEntry()}.
     */
    protected final int nextEntryPosition() {
        return writable && entries < maxEntries ? entries * entrySize : -1;
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
     * Truncates the file to its valid entries; it is mapped read-only on its next use. The file
     * is not fsynced here; call {@link #sync()} (the group-commit thread does) before relying on
     * it after a crash.
     */
    synchronized void trim() throws IOException {
        if (!writable) {
            return;
        }
        long length = (long) entries * entrySize;
        try (FileChannel ch = channels.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
        unmap();
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

    /** The file's directory was moved to {@code dir} (a deleted partition's, to the trash). */
    synchronized void directoryMoved(Path dir) {
        file = dir.resolve(file.getFileName());
    }

    /** Drops the mapping and leaves the cache (the segment is closed or deleted). */
    synchronized void close() {
        unmap();
    }

    void deleteIfExists() throws IOException {
        Files.deleteIfExists(file);
    }

    // ---- the cache's side ----

    @Override
    public final boolean takeUsed() {
        if (!used) {
            return false;
        }
        used = false;
        return true;
    }

    @Override
    public final boolean releasable() {
        return true;
    }

    @Override
    public final void release() {
        map = null;
    }

    @Override
    public final int slot() {
        return slot;
    }

    @Override
    public final void slot(int slot) {
        this.slot = slot;
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
