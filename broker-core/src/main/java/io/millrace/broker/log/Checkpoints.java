package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small metadata files of the storage layer, each written crash-safely with {@link AtomicFiles}.
 *
 * <p>Per log directory:
 * <ul>
 *   <li>{@value #RECOVERY_POINT_FILE}: text, UTF-8. Line 1 the format version ({@code 0}),
 *       line 2 the number of entries, then one line per partition:
 *       {@code <partition directory name> <recovery point>}, where the recovery point is the
 *       partition's durable offset when the file was written: every byte below it was fsynced,
 *       and every segment before the one holding it has fsynced indexes.</li>
 *   <li>{@value CleanShutdownCheckpoint#FILE}: see {@link CleanShutdownCheckpoint}.</li>
 *   <li>{@value #LOCK_FILE}: empty; locked (OS file lock) while a broker uses the directory.</li>
 * </ul>
 * Per partition directory:
 * <ul>
 *   <li>{@value #LOG_START_OFFSET_FILE}: 16 bytes, big-endian: {@code int32 magic 0x4D4C534F
 *       ("MLSO")}, {@code int64 logStartOffset}, {@code int32 CRC-32C} of the 12 bytes before it.
 *       Written by DeleteRecords; absent means "the first segment's base offset".</li>
 * </ul>
 * Stateless; callers serialize writes of the same file.
 */
final class Checkpoints {

    static final String RECOVERY_POINT_FILE = "recovery-point-offset-checkpoint";
    static final String CLEANER_OFFSET_FILE = "cleaner-offset-checkpoint";
    static final String LOCK_FILE = ".lock";
    static final String LOG_START_OFFSET_FILE = "log-start-offset";

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final int LOG_START_MAGIC = 0x4D4C534F;
    private static final int LOG_START_FILE_SIZE = 16;

    private Checkpoints() {}

    static void writeRecoveryPoints(Path logDir, Map<String, Long> pointsByDirName) throws IOException {
        writeOffsets(logDir.resolve(RECOVERY_POINT_FILE), pointsByDirName);
    }

    /**
     * The recovery points of a log directory by partition directory name; empty when the file is
     * missing or unreadable (every partition is then fully recovered).
     */
    static Map<String, Long> readRecoveryPoints(Path logDir) {
        return readOffsets(
                logDir.resolve(RECOVERY_POINT_FILE),
                "every partition in " + logDir + " will be fully"
                        + " scanned and checked on startup, which takes longer but loses nothing");
    }

    static void writeCleanerOffsets(Path logDir, Map<String, Long> offsetsByDirName) throws IOException {
        writeOffsets(logDir.resolve(CLEANER_OFFSET_FILE), offsetsByDirName);
    }

    /**
     * The first dirty offset of each compacted partition of a log directory, by partition directory
     * name; empty when the file is missing or unreadable (compaction then starts over from each log's
     * start, which costs time but loses nothing).
     */
    static Map<String, Long> readCleanerOffsets(Path logDir) {
        return readOffsets(
                logDir.resolve(CLEANER_OFFSET_FILE),
                "compacted partitions in " + logDir + " will be"
                        + " cleaned from their start again, which takes longer but loses nothing");
    }

    private static void writeOffsets(Path file, Map<String, Long> offsetsByDirName) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("0\n").append(offsetsByDirName.size()).append('\n');
        for (Map.Entry<String, Long> e : offsetsByDirName.entrySet()) {
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        AtomicFiles.replace(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Long> readOffsets(Path file, String consequence) {
        Map<String, Long> points = new LinkedHashMap<>();
        String[] lines;
        try {
            lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        } catch (NoSuchFileException e) {
            return points;
        } catch (IOException e) {
            LOG.warn("Cannot read checkpoint {} ({}); {}", file, e.toString(), consequence);
            return points;
        }
        try {
            if (lines.length < 2 || !"0".equals(lines[0].trim())) {
                throw new IllegalArgumentException("unknown version line '" + (lines.length > 0 ? lines[0] : "") + "'");
            }
            int count = Integer.parseInt(lines[1].trim());
            if (lines.length != count + 2) {
                throw new IllegalArgumentException("expected " + count + " entries, found " + (lines.length - 2));
            }
            for (int i = 2; i < lines.length; i++) {
                int space = lines[i].lastIndexOf(' ');
                if (space <= 0) {
                    throw new IllegalArgumentException("malformed line " + (i + 1) + ": '" + lines[i] + "'");
                }
                points.put(
                        lines[i].substring(0, space),
                        Long.parseLong(lines[i].substring(space + 1).trim()));
            }
            return points;
        } catch (RuntimeException e) {
            LOG.warn("Checkpoint {} is corrupt ({}); {}", file, e.getMessage(), consequence);
            return new LinkedHashMap<>();
        }
    }

    static void writeLogStartOffset(Path partitionDir, long logStartOffset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(LOG_START_FILE_SIZE);
        b.putInt(LOG_START_MAGIC).putLong(logStartOffset);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 12);
        b.putInt((int) crc.getValue());
        AtomicFiles.replace(partitionDir.resolve(LOG_START_OFFSET_FILE), b.array());
    }

    /** The persisted log start offset, or empty when absent or corrupt (logged). */
    static OptionalLong readLogStartOffset(Path partitionDir, String topicPartition) {
        Path file = partitionDir.resolve(LOG_START_OFFSET_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            LOG.warn(
                    "Cannot read the log start offset of {} from {} ({}); using the first segment's base offset,"
                            + " so records deleted with DeleteRecords may become visible again",
                    topicPartition,
                    file,
                    e.toString());
            return OptionalLong.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, Math.min(12, bytes.length));
        if (bytes.length != LOG_START_FILE_SIZE
                || b.getInt(0) != LOG_START_MAGIC
                || b.getInt(12) != (int) crc.getValue()
                || b.getLong(4) < 0) {
            LOG.warn(
                    "The log start offset file {} of {} is corrupt; using the first segment's base offset, so"
                            + " records deleted with DeleteRecords may become visible again",
                    file,
                    topicPartition);
            return OptionalLong.empty();
        }
        return OptionalLong.of(b.getLong(4));
    }
}
