package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which partitions may hold data past their checkpointed recovery point, so that the startup after
 * a crash recovers those at once, in parallel, and leaves every other partition to open lazily.
 *
 * <p>File {@value #FILE} per log directory: UTF-8 text, one partition directory name per line. A
 * partition's name is appended when it takes its first append since the recovery-point checkpoint
 * last found it fully flushed; each checkpoint rewrites the file (atomically) with the partitions
 * still not fully flushed. The checkpoint clears a partition's mark before it reads its recovery
 * point and log end, and an append checks the mark after its data is published, so an append
 * racing the checkpoint is either below the recovery point written or noted
 * ({@link PartitionLog#checkpointRecoveryPoint}). Appends are plain writes, not fsynced: they survive the broker being
 * killed, not a power loss. The file is only a hint: a partition missing from it is recovered
 * from its recovery point when first opened, so losing the file loses no data, only time at the
 * first use of the partitions it named. A torn last line is a name that matches no partition.
 *
 * <p>Thread-safety: all methods are synchronized; {@link #record} is called by appending threads,
 * once per partition between two checkpoints.
 */
final class DirtyPartitions implements AutoCloseable {

    static final String FILE = "dirty-partitions";

    private static final Logger LOG = LoggerFactory.getLogger(DirtyPartitions.class);

    private final Map<Path, FileChannel> appenders = new HashMap<>();
    private boolean closed;

    /** The partition directory names a log directory's file lists; empty when there is none. */
    static Set<String> read(Path logDir) {
        try {
            return new HashSet<>(Files.readAllLines(logDir.resolve(FILE), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Set.of();
        } catch (IOException e) {
            LOG.warn(
                    "Cannot read {} ({}); partitions it named are recovered when first opened instead of at startup",
                    logDir.resolve(FILE),
                    e.toString());
            return Set.of();
        }
    }

    /** Notes that the partition in {@code partitionDir} is taking appends (best effort). */
    synchronized void record(Path partitionDir) {
        if (closed) {
            return;
        }
        Path logDir = partitionDir.getParent();
        try {
            FileChannel ch = appenders.get(logDir);
            if (ch == null) {
                ch = FileChannel.open(
                        logDir.resolve(FILE),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                appenders.put(logDir, ch);
            }
            ByteBuffer line = ByteBuffer.wrap((partitionDir.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                ch.write(line);
            }
        } catch (IOException e) {
            LOG.debug("Could not note {} in {}", partitionDir, FILE, e);
        }
    }

    /**
     * Replaces a log directory's file with the partitions {@code stillDirty} names, asked while no
     * {@link #record} can run: a partition that records itself meanwhile is either in the answer or
     * appended to the new file.
     */
    synchronized void rewrite(Path logDir, Supplier<Collection<String>> stillDirty) throws IOException {
        Collection<String> dirNames = stillDirty.get();
        FileChannel old = appenders.remove(logDir);
        if (old != null) {
            old.close();
        }
        StringBuilder sb = new StringBuilder();
        for (String name : dirNames) {
            sb.append(name).append('\n');
        }
        AtomicFiles.replace(logDir.resolve(FILE), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (FileChannel ch : appenders.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("Closing {} failed", FILE, e);
            }
        }
        appenders.clear();
    }
}
