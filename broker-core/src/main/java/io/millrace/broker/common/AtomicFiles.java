package io.millrace.broker.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe small-file writes: write a temporary sibling ({@code <name>}{@value #TMP_SUFFIX}),
 * fsync it, rename it over the target (atomic on POSIX file systems), then fsync the directory so
 * the rename itself is durable. After a crash the target holds either the old or the new content,
 * never a mix; a leftover temporary file may remain and is safe to delete.
 */
public final class AtomicFiles {

    public static final String TMP_SUFFIX = ".tmp";

    private AtomicFiles() {}

    /** Writes {@code content} to {@code target}, creating the target's directory if it is missing. */
    public static void write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        replace(target, content);
    }

    /**
     * Writes {@code content} to {@code target} in a directory that must exist: a directory that
     * was removed meanwhile (a deleted partition, say) fails the write instead of coming back.
     */
    public static void replace(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(target.getFileName() + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(dir);
    }

    /** Deletes the file if present and makes the deletion durable. */
    public static void delete(Path target) throws IOException {
        if (Files.deleteIfExists(target)) {
            fsyncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /** fsyncs a directory so that files created, renamed or deleted in it survive a crash. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
