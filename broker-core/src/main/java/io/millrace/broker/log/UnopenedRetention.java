package io.millrace.broker.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * When retention could first delete something from a partition that was not opened since startup,
 * so that the retention pass opens only those that may have something to delete
 * ({@link SegmentRetention} then decides as usual) and looks at the others' files rarely.
 *
 * <p>Looks at the segment files' sizes and modification times only, from one listing of the
 * partition directory: time retention is judged by the oldest non-empty segment's mtime, size
 * retention by the sum of the segment sizes (which cannot grow while the partition is not open).
 * A record whose timestamp is much older than the moment it was written is therefore deleted when
 * its partition is next opened, not earlier. Stateless.
 */
final class UnopenedRetention {

    /** Nothing to delete, ever, while the partition stays closed. */
    static final long NEVER = Long.MAX_VALUE;

    private UnopenedRetention() {}

    /**
     * The first time at which retention may delete something: {@code nowMs} or earlier means
     * now; {@link #NEVER} when nothing can become due while the partition is not opened.
     */
    static long dueMs(Path dir, LogConfig config, long nowMs) throws IOException {
        if (!config.delete() || (config.retentionMs() < 0 && config.retentionBytes() < 0)) {
            return NEVER;
        }
        long oldestMtime = Long.MAX_VALUE;
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LogSegment.LOG_SUFFIX)) {
            for (Path file : files) {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                if (attrs.size() > 0) {
                    total += attrs.size();
                    oldestMtime = Math.min(oldestMtime, attrs.lastModifiedTime().toMillis());
                }
            }
        } catch (NoSuchFileException e) {
            return NEVER; // deleted meanwhile
        }
        if (config.retentionBytes() >= 0 && total > config.retentionBytes()) {
            return nowMs;
        }
        if (config.retentionMs() < 0 || total == 0) {
            return NEVER;
        }
        return oldestMtime + config.retentionMs() + 1;
    }
}
