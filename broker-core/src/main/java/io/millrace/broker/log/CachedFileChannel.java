package io.millrace.broker.log;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel of a segment file (a {@code .log} or {@code .txnindex} file) that holds a file
 * descriptor only while the file is in use. The descriptor is opened on first use through the
 * node's {@link SegmentChannels} and registered in its cache of open files, which closes it
 * when the file has been idle longest; the next use opens it again, transparently. A reopen
 * never creates the file (READ and WRITE only): a file deleted meanwhile fails the operation
 * with {@link java.nio.file.NoSuchFileException} instead of coming back empty.
 *
 * <p>Only positional operations are supported: reads and writes at a position, transferTo,
 * size, truncate and force. The others throw {@link UnsupportedOperationException}, since a
 * channel position or a file lock would not survive a reopen; the storage layer never uses them.
 *
 * <p>{@link #renameTo} moves the file and updates the path this channel reopens in one step under
 * the channel's lock, so a reopen never looks for the file under a name it no longer has.
 *
 * <p>When the cache may not close the descriptor: while it has writes or a truncation not yet
 * covered by a successful {@link #force}, because Linux reports a failed write-back only to
 * descriptors open when it happened (and may forget it once no descriptor holds the file), so
 * closing a dirty descriptor could hide an fsync failure; and while a zero-copy send holds it
 * ({@link #pin}), because the network layer's sendfile uses the descriptor number directly.
 * An operation whose descriptor the cache closes under it retries on a reopened one, pinned
 * until it is done: every operation is positional, so the retry repeats exactly the same I/O, and
 * the pin guarantees it progress however small the cache. It does not retry when its thread was
 * interrupted (the JDK closes a channel whose user is interrupted, and the
 * {@link ClosedByInterruptException} propagates) or after {@link #close()}, which closes for good.
 *
 * <p>Thread-safety: any number of threads may use the channel at once. While the descriptor is
 * open an operation takes no lock and allocates nothing: it reads the volatile descriptor and sets
 * the used mark. A write first counts itself in a volatile counter, which a release reads again
 * after detaching the descriptor, so a write either goes to a descriptor that stays open or finds
 * it detached and reopens. Opening, pins, release, renames and close take the channel's lock; a
 * release only tries it and keeps a busy channel, so releases never wait.
 */
final class CachedFileChannel extends FileChannel implements OpenFileCache.Entry {

    private static final Logger LOG = LoggerFactory.getLogger(CachedFileChannel.class);
    private static final VarHandle WRITES;
    private static final VarHandle SYNCED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WRITES = lookup.findVarHandle(CachedFileChannel.class, "writes", long.class);
            SYNCED = lookup.findVarHandle(CachedFileChannel.class, "synced", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Io READ = (ch, buffer, position, count, target) -> ch.read(buffer, position);
    private static final Io WRITE = (ch, buffer, position, count, target) -> ch.write(buffer, position);
    private static final Io TRANSFER_TO =
            (ch, buffer, position, count, target) -> ch.transferTo(position, count, target);
    private static final Io SIZE = (ch, buffer, position, count, target) -> ch.size();
    private static final Io TRUNCATE = (ch, buffer, position, count, target) -> {
        ch.truncate(position);
        return 0;
    };
    private static final Io FORCE_DATA = (ch, buffer, position, count, target) -> {
        ch.force(false);
        return 0;
    };
    private static final Io FORCE_ALL = (ch, buffer, position, count, target) -> {
        ch.force(true);
        return 0;
    };

    private final SegmentChannels channels;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Path file;
    /** The open descriptor, or null while released. */
    private volatile FileChannel delegate;
    /** Writes and truncations started; {@link #synced}: how many of them a successful force covered. */
    private volatile long writes;

    private volatile long synced;
    private volatile boolean used;
    /** Guarded by the cache's monitor. */
    private int slot = -1;
    /** Zero-copy sends holding the descriptor; guarded by {@link #lock} ({@link #releasable()} only peeks). */
    private int pins;

    /**
     * @param open the file's descriptor when the caller just opened (created) it, else null: the
     *             file is opened on first use
     */
    CachedFileChannel(SegmentChannels channels, Path file, FileChannel open) {
        this.channels = channels;
        this.file = file;
        if (open != null) {
            this.delegate = open;
            this.used = true;
            channels.openFiles().add(this);
            channels.openFiles().trim();
        }
    }

    /** The file's current name. */
    Path file() {
        return file;
    }

    /** Whether a descriptor is open now (tests). */
    boolean isHeld() {
        return delegate != null;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return (int) io(READ, dst, position, 0, null);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        WRITES.getAndAdd(this, 1L);
        return (int) io(WRITE, src, position, 0, null);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return io(TRANSFER_TO, null, position, count, target);
    }

    @Override
    public long size() throws IOException {
        return io(SIZE, null, 0, 0, null);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        WRITES.getAndAdd(this, 1L);
        io(TRUNCATE, null, size, 0, null);
        return this;
    }

    /**
     * fsyncs the file; on success the writes and truncations started before the call no longer
     * keep the descriptor open.
     */
    @Override
    public void force(boolean metaData) throws IOException {
        long covered = writes;
        io(metaData ? FORCE_ALL : FORCE_DATA, null, 0, 0, null);
        long before = synced;
        while (before < covered && !SYNCED.compareAndSet(this, before, covered)) {
            before = synced;
        }
        channels.openFiles().trim();
    }

    /** Writes or truncations not yet covered by a successful fsync. */
    private boolean dirty() {
        return writes != synced;
    }

    /**
     * Runs {@code op} on the open descriptor; when the cache has released it (or closes it under
     * the operation), on one opened if needed and pinned meanwhile, so that the cache cannot close
     * it again before the operation is done: the retry completes however full the cache is of
     * descriptors it may not close.
     */
    private long io(Io op, ByteBuffer buffer, long position, long count, WritableByteChannel target)
            throws IOException {
        FileChannel ch = delegate;
        if (ch != null && isOpen()) {
            if (!used) {
                used = true;
            }
            try {
                return op.on(ch, buffer, position, count, target);
            } catch (ClosedChannelException e) {
                checkRetry(ch, e);
            }
        }
        while (true) {
            ch = pin();
            try {
                return op.on(ch, buffer, position, count, target);
            } catch (ClosedChannelException e) {
                // Only an interrupt (of another thread) closes a pinned descriptor: open another.
                checkRetry(ch, e);
            } finally {
                unpin();
            }
        }
    }

    /**
     * Throws {@code e} unless retrying on a reopened descriptor is right: the thread was not
     * interrupted, the channel is not closed for good, and the exception concerned this
     * descriptor (a closed transferTo target also throws it).
     */
    private void checkRetry(FileChannel failed, ClosedChannelException e) throws ClosedChannelException {
        if (e instanceof ClosedByInterruptException
                || Thread.currentThread().isInterrupted()
                || !isOpen()
                || failed.isOpen()) {
            throw e;
        }
    }

    /**
     * The open JDK channel, opened if needed, which the cache will not close until
     * {@link #unpin()}: for an operation that must not be cut short, or a zero-copy send that hands
     * the descriptor to the network layer.
     */
    FileChannel pin() throws IOException {
        FileChannel ch;
        lock.lock();
        try {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            ch = delegate;
            if (ch == null || !ch.isOpen()) {
                ch = channels.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                delegate = ch;
                channels.openFiles().add(this);
            }
            pins++;
            used = true;
        } finally {
            lock.unlock();
        }
        channels.openFiles().trim();
        return ch;
    }

    /** Ends a {@link #pin()}; the last one after {@link #close()} closes the descriptor. */
    void unpin() {
        FileChannel closing = null;
        lock.lock();
        try {
            pins--;
            if (pins == 0 && !isOpen()) {
                closing = delegate;
                delegate = null;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(closing);
        channels.openFiles().trim();
    }

    /** Renames the file (atomic move); later reopens use the new name. */
    void renameTo(Path target) throws IOException {
        lock.lock();
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            file = target;
        } finally {
            lock.unlock();
        }
    }

    /** The file's directory was moved to {@code dir} (a deleted partition's, to the trash). */
    void directoryMoved(Path dir) {
        lock.lock();
        try {
            file = dir.resolve(file.getFileName());
        } finally {
            lock.unlock();
        }
    }

    // ---- the cache's side ----

    @Override
    public boolean takeUsed() {
        if (!used) {
            return false;
        }
        used = false;
        return true;
    }

    @Override
    public boolean releasable() {
        return (!dirty() && pins == 0) || !isOpen();
    }

    @Override
    public void release() {
        if (!lock.tryLock()) {
            if (isOpen()) {
                channels.openFiles().add(this);
            }
            return;
        }
        FileChannel closing = null;
        try {
            FileChannel ch = delegate;
            if (ch == null || !isOpen()) {
                return;
            }
            if (pins > 0 || dirty()) {
                channels.openFiles().add(this);
                return;
            }
            delegate = null;
            if (dirty()) {
                // A write counted itself after the check above and may have read the descriptor.
                delegate = ch;
                channels.openFiles().add(this);
                return;
            }
            closing = ch;
        } finally {
            lock.unlock();
        }
        closeQuietly(closing);
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public void slot(int slot) {
        this.slot = slot;
    }

    /** Closes for good: leaves the cache; a pinned descriptor is closed by the last {@link #unpin()}. */
    @Override
    protected void implCloseChannel() throws IOException {
        FileChannel closing = null;
        lock.lock();
        try {
            channels.openFiles().remove(this);
            if (pins == 0) {
                closing = delegate;
                delegate = null;
            }
        } finally {
            lock.unlock();
        }
        if (closing != null) {
            closing.close();
        }
    }

    private void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("Closing an idle descriptor of {} failed", file, e);
        }
    }

    // ---- not supported: state that would not survive a reopen ----

    @Override
    public int read(ByteBuffer dst) {
        throw positionalOnly();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw positionalOnly();
    }

    @Override
    public int write(ByteBuffer src) {
        throw positionalOnly();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw positionalOnly();
    }

    @Override
    public long position() {
        throw positionalOnly();
    }

    @Override
    public FileChannel position(long newPosition) {
        throw positionalOnly();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException("segment files are written with positional writes only");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("segment log files are not mapped");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("a file lock would not survive closing an idle descriptor");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("a file lock would not survive closing an idle descriptor");
    }

    private static UnsupportedOperationException positionalOnly() {
        return new UnsupportedOperationException(
                "only positional I/O: a channel position would not survive closing an idle descriptor");
    }

    /**
     * A positional operation on the JDK channel, with the arguments it needs; the operations are
     * constants, so running one allocates nothing.
     */
    @FunctionalInterface
    private interface Io {
        long on(FileChannel ch, ByteBuffer buffer, long position, long count, WritableByteChannel target)
                throws IOException;
    }

    @Override
    public String toString() {
        return "CachedFileChannel(" + file + (delegate != null ? ", open" : "") + ")";
    }
}
