package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a clean shutdown wrote about each partition of a log directory, so that the next startup
 * scans nothing and opens each partition lazily, on first use, trusting its files.
 *
 * <p>File {@value #FILE} in the log directory, written atomically ({@link AtomicFiles}) after
 * every partition of the directory was flushed and closed, and deleted (durably) at startup
 * before anything else is written: its presence means "nothing changed since". Big-endian:
 * <pre>
 *   int32  magic 0x4D4C4353 ("MLCS")
 *   int16  version (1)
 *   int32  entry count
 *   entries:
 *     int16  length of the partition directory name, then its UTF-8 bytes
 *     int64  log end offset
 *     int64  base offset of the last segment (-1: the directory holds no segment yet)
 *     int64  byte size of the last segment's log file
 *   int32  CRC-32C of every byte before it
 * </pre>
 * A partition missing from the file (it failed to close, or was never recovered since an unclean
 * shutdown) is recovered from its recovery point when opened. The file is ignored as a whole
 * when torn or corrupt (CRC, magic, version, length), including the empty marker older versions
 * wrote; a single entry is ignored as stale when the partition's files, once listed, do not end
 * where the entry says ({@link PartitionLog}). Stateless.
 */
final class CleanShutdownCheckpoint {

    static final String FILE = ".millrace-clean-shutdown";

    private static final Logger LOG = LoggerFactory.getLogger(CleanShutdownCheckpoint.class);
    private static final int MAGIC = 0x4D4C4353;
    private static final short VERSION = 1;

    /**
     * One partition's state at the clean shutdown.
     *
     * @param dirName          the partition directory's name
     * @param logEndOffset     its log end offset (every byte below was fsynced)
     * @param lastSegmentBase  base offset of its last segment, -1 when it had none (created, never used)
     * @param lastSegmentBytes size of that segment's log file
     */
    record Entry(String dirName, long logEndOffset, long lastSegmentBase, long lastSegmentBytes) {

        /** The entry of a partition directory created empty and never opened. */
        static Entry empty(String dirName) {
            return new Entry(dirName, 0, -1, 0);
        }
    }

    private CleanShutdownCheckpoint() {}

    static void write(Path logDir, Collection<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + entries.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            out.writeInt(entries.size());
            for (Entry e : entries) {
                byte[] name = e.dirName().getBytes(StandardCharsets.UTF_8);
                out.writeShort(name.length);
                out.write(name);
                out.writeLong(e.logEndOffset());
                out.writeLong(e.lastSegmentBase());
                out.writeLong(e.lastSegmentBytes());
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        }
        AtomicFiles.replace(logDir.resolve(FILE), bytes.toByteArray());
    }

    /**
     * The entries by partition directory name; empty when the directory was not shut down cleanly
     * (no file) or the file cannot be trusted (logged: every partition is then recovered from its
     * recovery point).
     */
    static Optional<Map<String, Entry>> read(Path logDir) {
        Path file = logDir.resolve(FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            warnIgnored(file, "it cannot be read: " + e);
            return Optional.empty();
        }
        try {
            return Optional.of(parse(bytes));
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            warnIgnored(file, e.getMessage() == null ? "it is truncated" : e.getMessage());
            return Optional.empty();
        }
    }

    private static Map<String, Entry> parse(byte[] bytes) {
        if (bytes.length < 14) {
            throw new IllegalArgumentException("it is " + bytes.length
                    + " bytes long, too short to be a checkpoint (torn, or written by an" + " older version)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt(bytes.length - 4) != (int) crc.getValue()) {
            throw new IllegalArgumentException("its checksum does not match (torn or corrupt)");
        }
        if (b.getInt() != MAGIC || b.getShort() != VERSION) {
            throw new IllegalArgumentException("unknown magic or version");
        }
        int count = b.getInt();
        if (count < 0) {
            throw new IllegalArgumentException("negative entry count " + count);
        }
        Map<String, Entry> entries = new HashMap<>(Math.min(count, 1 << 20) * 4 / 3 + 1);
        for (int i = 0; i < count; i++) {
            byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(name);
            String dirName = new String(name, StandardCharsets.UTF_8);
            entries.put(dirName, new Entry(dirName, b.getLong(), b.getLong(), b.getLong()));
        }
        if (b.remaining() != 4) {
            throw new IllegalArgumentException((b.remaining() - 4) + " unexpected bytes after the entries");
        }
        return entries;
    }

    private static void warnIgnored(Path file, String why) {
        LOG.warn(
                "Ignoring the clean-shutdown checkpoint {}: {}. Every partition of this log directory is recovered"
                        + " from its recovery point when first opened, which takes longer but loses nothing.",
                file,
                why);
    }

    /** Deletes the checkpoint durably: a crash from now on must be treated as unclean. */
    static void delete(Path logDir) throws IOException {
        AtomicFiles.delete(logDir.resolve(FILE));
    }
}
