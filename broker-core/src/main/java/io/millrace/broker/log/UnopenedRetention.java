package io.millrace.broker.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Whether retention could delete anything from a partition that was not opened since startup, so
 * that the retention pass opens only those ({@link SegmentRetention} then decides as usual).
 *
 * <p>Looks at the segment files' sizes and modification times only, from one listing of the
 * partition directory: time retention is judged by the oldest non-empty segment's mtime, size
 * retention by the sum of the segment sizes. A record whose timestamp is much older than the
 * moment it was written is therefore deleted when its partition is next opened, not earlier.
 * Stateless.
 */
final class UnopenedRetention {

    private UnopenedRetention() {}

    static boolean mayDeleteSomething(Path dir, LogConfig config, long nowMs) throws IOException {
        if (!config.delete() || (config.retentionMs() < 0 && config.retentionBytes() < 0)) {
            return false;
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
            return false; // deleted meanwhile
        }
        boolean timeDue = config.retentionMs() >= 0 && total > 0 && nowMs - oldestMtime > config.retentionMs();
        boolean sizeDue = config.retentionBytes() >= 0 && total > config.retentionBytes();
        return timeDue || sizeDue;
    }
}
