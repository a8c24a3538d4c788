package io.millrace.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Aborted-transaction index of one segment: file {@code <baseOffset>.txnindex}, holding one entry
 * per transaction whose abort marker lies in the segment. The file is created with the first entry;
 * a segment without one has no file, which reads as an empty index.
 *
 * <pre>
 * entries back to back, no header, {@value #ENTRY_SIZE} bytes each, big-endian:
 *   int64 producerId
 *   int64 firstOffset        first offset of the aborted transaction on this partition
 *   int64 lastOffset         offset of its abort marker
 *   int64 lastStableOffset   see {@link AbortedTxn#lastStableOffset()}
 *   int32 CRC-32C of the 32 bytes before it
 * </pre>
 * Entries are in marker order. A file whose length is not a multiple of the entry size, or with an
 * entry that fails its CRC, is not intact: {@link LogRecovery} discards it and the index is rebuilt
 * from the log ({@link ProducerStateLoader}). The cleaner writes a cleaned segment's index with the
 * segment ({@link CompactionFilter}); renames follow the segment's ({@code .cleaned}, {@code .swap},
 * {@code .deleted}).
 *
 * <p>The file's channel is a {@link CachedFileChannel}: it holds a descriptor only while the index
 * is in use.
 *
 * <p>Thread-safety: the partition lock holder (or the cleaner, for a segment nobody else sees yet)
 * appends; readers take the entries lock-free from an immutable array published through a volatile
 * field, loaded from the file on first use. {@link #sync()} runs on the group-commit thread without
 * blocking appends; an entry is durable once a sync started after it returned.
 */
final class TxnIndex {

    static final int ENTRY_SIZE = 8 + 8 + 8 + 8 + 4;
    private static final int CRC_COVERED = ENTRY_SIZE - 4;
    private static final AbortedTxn[] EMPTY = new AbortedTxn[0];

    private final SegmentChannels channels;
    private volatile Path file;
    private volatile AbortedTxn[] entries;
    private boolean intact = true;
    /** Created with the first entry; holds a descriptor only while in use. */
    private CachedFileChannel channel;

    private int appended;
    private int synced;

    TxnIndex(Path file, SegmentChannels channels) {
        this.file = file;
        this.channels = channels;
    }

    Path file() {
        return file;
    }

    /** The entries in marker order (loaded on first use). */
    AbortedTxn[] entries() throws IOException {
        AbortedTxn[] e = entries;
        return e != null ? e : load();
    }

    /** Whether the file held only whole entries with valid CRCs when it was loaded. */
    boolean isIntact() throws IOException {
        entries();
        synchronized (this) {
            return intact;
        }
    }

    private synchronized AbortedTxn[] load() throws IOException {
        if (entries != null) {
            return entries;
        }
        ByteBuffer bytes;
        try (FileChannel ch = channels.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException("Aborted-transaction index " + file + " is " + size + " bytes long");
            }
            bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining()) {
                if (ch.read(bytes, bytes.position()) < 0) {
                    break;
                }
            }
            bytes.flip();
        } catch (NoSuchFileException e) {
            entries = EMPTY;
            return EMPTY;
        }
        int count = bytes.remaining() / ENTRY_SIZE;
        intact = bytes.remaining() % ENTRY_SIZE == 0;
        AbortedTxn[] loaded = new AbortedTxn[count];
        CRC32C crc = new CRC32C();
        int valid = 0;
        for (; valid < count; valid++) {
            int at = valid * ENTRY_SIZE;
            crc.reset();
            crc.update(bytes.array(), at, CRC_COVERED);
            if (bytes.getInt(at + CRC_COVERED) != (int) crc.getValue()) {
                intact = false;
                break;
            }
            loaded[valid] = new AbortedTxn(
                    bytes.getLong(at), bytes.getLong(at + 8), bytes.getLong(at + 16), bytes.getLong(at + 24));
        }
        AbortedTxn[] result = valid == count ? loaded : Arrays.copyOf(loaded, valid);
        appended = result.length;
        synced = result.length;
        entries = result;
        return result;
    }

    /**
     * Appends an entry with a positional write (no fsync). Returns true when this created the file,
     * so the caller knows the directory needs an fsync too.
     */
    synchronized boolean append(AbortedTxn txn) throws IOException {
        AbortedTxn[] current = entries();
        boolean created = false;
        if (channel == null) {
            created = !Files.exists(file);
            channel = channels.create(file, StandardOpenOption.CREATE);
        }
        ByteBuffer b = encode(txn);
        long at = (long) current.length * ENTRY_SIZE;
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
        AbortedTxn[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = txn;
        entries = next;
        appended++;
        return created;
    }

    static ByteBuffer encode(AbortedTxn txn) {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_SIZE);
        b.putLong(txn.producerId())
                .putLong(txn.firstOffset())
                .putLong(txn.lastOffset())
                .putLong(txn.lastStableOffset());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, CRC_COVERED);
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    synchronized boolean needsSync() {
        return appended > synced;
    }

    /** fsyncs the entries appended so far; appends may continue meanwhile. */
    void sync() throws IOException {
        FileChannel ch;
        int count;
        synchronized (this) {
            ch = channel;
            count = appended;
            if (ch == null || count <= synced) {
                return;
            }
        }
        try {
            ch.force(true);
        } catch (java.nio.channels.ClosedChannelException e) {
            return; // reset, deleted or closed meanwhile: nothing left to make durable
        }
        synchronized (this) {
            synced = Math.max(synced, count);
        }
    }

    /**
     * Adds to {@code out} every entry overlapping {@code [fetchOffset, upperBound)} (its marker at or
     * after the fetch offset, its first offset below the bound). Returns true when an entry shows
     * that no transaction overlapping the range can have its marker in a later segment.
     */
    boolean collect(long fetchOffset, long upperBound, List<AbortedTxn> out) throws IOException {
        for (AbortedTxn txn : entries()) {
            if (txn.lastOffset() >= fetchOffset && txn.firstOffset() < upperBound) {
                out.add(txn);
            }
            if (txn.lastStableOffset() >= upperBound) {
                return true;
            }
        }
        return false;
    }

    /** Deletes the file and forgets every entry (recovery rebuilds them). */
    synchronized void reset() throws IOException {
        closeChannel();
        Files.deleteIfExists(file);
        entries = EMPTY;
        intact = true;
        appended = 0;
        synced = 0;
    }

    synchronized void renameTo(Path target) throws IOException {
        if (channel != null) {
            channel.renameTo(target);
        } else if (Files.exists(file)) {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        }
        file = target;
    }

    /** The file's directory was moved to {@code dir} (a deleted partition's, to the trash). */
    synchronized void directoryMoved(Path dir) {
        if (channel != null) {
            channel.directoryMoved(dir);
        }
        file = dir.resolve(file.getFileName());
    }

    synchronized void deleteIfExists() throws IOException {
        closeChannel();
        Files.deleteIfExists(file);
    }

    synchronized void close() throws IOException {
        closeChannel();
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            CachedFileChannel ch = channel;
            channel = null;
            ch.close();
        }
    }
}
