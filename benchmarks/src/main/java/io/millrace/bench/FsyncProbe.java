package io.millrace.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an fsync costs on the disk at hand, appending versus overwriting: N threads each write
 * chunks to a file of their own and {@code fdatasync} after each, for a few seconds, either at
 * the end of a growing file ({@code append}) or over zeros written and fsynced beforehand
 * ({@code overwrite}, what {@code log.preallocate.bytes} arranges). Prints MB/s, fsyncs/s and the
 * process's CPU; the zero-filling happens before the measured window.
 *
 * <pre>java -cp benchmarks/target/classes io.millrace.bench.FsyncProbe DIR append|overwrite CHUNK THREADS [SECONDS]</pre>
 */
public final class FsyncProbe {

    private static final long FILE_BYTES = 256L << 20;

    private FsyncProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: FsyncProbe DIR append|overwrite CHUNK_BYTES THREADS [SECONDS]");
            System.exit(2);
        }
        Path dir = Files.createTempDirectory(Path.of(args[0]), "fsync-probe");
        boolean overwrite = args[1].equals("overwrite");
        int chunk = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        long seconds = args.length > 4 ? Long.parseLong(args[4]) : 8;
        FileChannel[] files = new FileChannel[threads];
        for (int t = 0; t < threads; t++) {
            files[t] = FileChannel.open(
                    dir.resolve("f" + t),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
            if (overwrite) {
                zeroFill(files[t]);
            }
        }
        AtomicLong bytes = new AtomicLong();
        AtomicLong syncs = new AtomicLong();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            FileChannel ch = files[t];
            writers[t] = new Thread(() -> write(ch, chunk, end, bytes, syncs));
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        double cores = (os.getProcessCpuTime() - cpuBefore) / 1e9 / seconds;
        for (FileChannel ch : files) {
            ch.close();
        }
        Files.delete(dir);
        System.out.printf(
                "%s, %d-byte chunks, %d threads: %.1f MB/s, %d fsyncs/s, process CPU %.2f cores%n",
                overwrite ? "overwrite" : "append",
                chunk,
                threads,
                bytes.get() / 1e6 / seconds,
                syncs.get() / seconds,
                cores);
    }

    private static void zeroFill(FileChannel ch) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < FILE_BYTES; at += zeros.capacity()) {
            zeros.clear();
            while (zeros.hasRemaining()) {
                ch.write(zeros, at + zeros.position());
            }
        }
        ch.force(true);
    }

    private static void write(FileChannel ch, int chunk, long endNanos, AtomicLong bytes, AtomicLong syncs) {
        ByteBuffer data = ByteBuffer.allocateDirect(chunk);
        while (data.hasRemaining()) {
            data.put((byte) 'x');
        }
        long at = 0;
        try {
            while (System.nanoTime() < endNanos) {
                data.clear();
                while (data.hasRemaining()) {
                    at += ch.write(data, at);
                }
                ch.force(false);
                syncs.incrementAndGet();
                bytes.addAndGet(chunk);
                if (at + chunk > FILE_BYTES) {
                    at = 0;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
