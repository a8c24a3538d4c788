package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes, at startup, the swap of a cleaned segment that a crash interrupted (the steps are in
 * {@link PartitionLog#replaceSegments}).
 *
 * <p>A {@code <base>.log.swap} file was complete and fsynced before it got that name, so its swap
 * is always completed: the files of every segment whose base offset lies in
 * {@code [base, end of the swap segment's last batch]} (the segments it was cleaned from, still
 * {@code .log} or already {@code .deleted}) are deleted, the directory is fsynced, and then the
 * {@code .swap} suffix is dropped from the segment's files. Segments of the cleaned group that
 * start after the swap segment's last batch (their records were all compacted away) are left in
 * place: they hold a superset of what the cleaning kept, so the log stays consistent, and the next
 * cleaning pass compacts them again. A {@code .swap} or {@code .cleaned} file that is not part of
 * such a swap is a leftover that {@link LogRecovery} deletes afterwards.
 *
 * <p>Stateless; runs before the partition's segments are opened.
 */
final class SwapRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(SwapRecovery.class);
    private static final String LOG_SWAP = LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX;
    /** A segment's files, the log file last (its name marks how far a rename sequence got). */
    private static final List<String> SEGMENT_SUFFIXES = List.of(
            LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX, LogSegment.TXN_INDEX_SUFFIX, LogSegment.LOG_SUFFIX);

    private SwapRecovery() {}

    /** Completes every interrupted swap in {@code dir}; returns whether the directory changed. */
    static boolean completeSwaps(Path dir, String tp, FileChannelFactory channels) throws IOException {
        List<Path> swaps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LOG_SWAP)) {
            files.forEach(swaps::add);
        }
        Collections.sort(swaps);
        for (Path swap : swaps) {
            String name = swap.getFileName().toString();
            long base = LogSegment.parseBaseOffset(name.substring(0, name.length() - LOG_SWAP.length()));
            if (base < 0) {
                continue;
            }
            long end = Math.max(base, nextOffset(swap, channels));
            int deleted = deleteReplaced(dir, base, end);
            AtomicFiles.fsyncDirectory(dir);
            for (String suffix : SEGMENT_SUFFIXES) {
                Path from = LogSegment.file(dir, base, suffix + LogSegment.SWAP_SUFFIX);
                if (Files.exists(from)) {
                    Files.move(from, LogSegment.file(dir, base, suffix), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            AtomicFiles.fsyncDirectory(dir);
            LOG.info(
                    "{}: completed the swap of cleaned segment {} interrupted by a crash: it replaces the {} segment"
                            + " file(s) from offset {} up to {}",
                    tp,
                    swap.getFileName(),
                    deleted,
                    base,
                    end);
        }
        return !swaps.isEmpty();
    }

    /** Offset after the last batch of a segment file (its base offset parsed by the caller when empty). */
    private static long nextOffset(Path file, FileChannelFactory channels) throws IOException {
        long next = -1;
        try (FileChannel ch = channels.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            BatchHeader header = BatchHeader.forThread();
            long position = 0;
            while (header.load(ch, position, size)
                    && header.sizeInBytes() >= BatchHeader.HEADER_SIZE
                    && position + header.sizeInBytes() <= size) {
                next = header.lastOffset() + 1;
                position += header.sizeInBytes();
            }
        }
        return next;
    }

    /**
     * Deletes the files of live or deleted segments with base offsets in [from, max(to, from + 1));
     * returns how many segments (log files) that was.
     */
    private static int deleteReplaced(Path dir, long from, long to) throws IOException {
        int segments = 0;
        List<Path> doomed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String plain = name.endsWith(LogSegment.DELETED_SUFFIX)
                        ? name.substring(0, name.length() - LogSegment.DELETED_SUFFIX.length())
                        : name;
                for (String suffix : SEGMENT_SUFFIXES) {
                    if (plain.endsWith(suffix)) {
                        long base = LogSegment.parseBaseOffset(plain.substring(0, plain.length() - suffix.length()));
                        if (base >= from && (base == from || base < to)) {
                            doomed.add(f);
                            segments += suffix.equals(LogSegment.LOG_SUFFIX) ? 1 : 0;
                        }
                    }
                }
            }
        }
        for (Path f : doomed) {
            Files.deleteIfExists(f);
        }
        return segments;
    }
}
