package io.millrace.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FileChannelFactory} whose segment-log channels ({@code *.log}) count fsyncs and can be
 * told to block fsyncs, positional writes or positional reads until released, or to fail fsyncs,
 * writes or maps (the latter as the JDK does when the process has no memory mapping left).
 */
public final class FaultInjectingChannels implements FileChannelFactory {

    final AtomicInteger logForces = new AtomicInteger();
    final AtomicInteger blockedForces = new AtomicInteger();
    final AtomicInteger blockedWrites = new AtomicInteger();
    final AtomicInteger blockedReads = new AtomicInteger();
    private final Gate forceGate = new Gate(blockedForces);
    private final Gate writeGate = new Gate(blockedWrites);
    private final Gate readGate = new Gate(blockedReads);
    volatile boolean failForce;
    volatile boolean failWrite;
    volatile boolean diskFull;
    /** How many of the next maps fail. */
    final AtomicInteger failMaps = new AtomicInteger();

    /** Makes every later write to a segment log fail (true) or succeed again (false). */
    public void failWrites(boolean fail) {
        failWrite = fail;
    }

    /** Makes every later write to a segment log fail as on a full disk (true), or succeed again. */
    void diskFull(boolean full) {
        diskFull = full;
    }

    /** From now on every log fsync waits until {@link #releaseForces()}. */
    void blockForces() {
        forceGate.close();
    }

    void releaseForces() {
        forceGate.open();
    }

    /** From now on every positional write to a segment log waits until {@link #releaseWrites()}. */
    void blockWrites() {
        writeGate.close();
    }

    void releaseWrites() {
        writeGate.open();
    }

    /** From now on every positional read of a segment log waits until {@link #releaseReads()}. */
    void blockReads() {
        readGate.close();
    }

    void releaseReads() {
        readGate.open();
    }

    /** Holds callers while closed, counting them in {@code blocked}. */
    private static final class Gate {
        private final AtomicInteger blocked;
        private volatile CountDownLatch latch;

        Gate(AtomicInteger blocked) {
            this.blocked = blocked;
        }

        void close() {
            latch = new CountDownLatch(1);
        }

        void open() {
            CountDownLatch l = latch;
            latch = null;
            if (l != null) {
                l.countDown();
            }
        }

        void pass() throws IOException {
            CountDownLatch l = latch;
            if (l == null) {
                return;
            }
            blocked.incrementAndGet();
            try {
                if (!l.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("test gate never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } finally {
                blocked.decrementAndGet();
            }
        }
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        FileChannel real = FileChannel.open(path, options);
        return path.getFileName().toString().endsWith(".log") ? new Injected(real) : real;
    }

    private final class Injected extends FileChannel {
        private final FileChannel delegate;

        Injected(FileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forceGate.pass();
            if (failForce) {
                throw new IOException("injected fsync failure");
            }
            logForces.incrementAndGet();
            delegate.force(metaData);
        }

        private void checkWrite() throws IOException {
            if (diskFull) {
                throw new IOException("No space left on device");
            }
            if (failWrite) {
                throw new IOException("injected write failure");
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            checkWrite();
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            checkWrite();
            return delegate.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            checkWrite();
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            readGate.pass();
            return delegate.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            writeGate.pass();
            checkWrite();
            return delegate.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            if (failMaps.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("Map failed", new OutOfMemoryError("injected: no mapping left"));
            }
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
