package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Producer-state snapshot files: {@code <20-digit offset>.snapshot} in the partition directory
 * holds the {@link ProducerStateTable} as it was after every batch below {@code offset}.
 * Written when a segment rolls (offset = the new segment's base) and on clean shutdown
 * (offset = log end), always via tmp + fsync + rename.
 *
 * <pre>
 * int32  magic 0x4D505331 ("MPS1")
 * int16  version (2; version 1 lacks the three transaction fields and is still read)
 * int32  CRC-32C of every byte after this field
 * int64  snapshot offset (must match the file name)
 * int32  producer count
 * per producer:
 *   int64 producerId, int16 epoch, int64 lastUpdateMs (broker clock),
 *   int32 coordinatorEpoch of its last marker (-1: none), int64 first offset of its open transaction
 *   (-1: none), int64 lastTimestamp (max timestamp of its last batch, or its last marker's time),
 *   int8 batch count (0..5),
 *   per batch, oldest first: int32 firstSeq, int32 lastSeq, int64 firstOffset, int64 lastOffset,
 *                            int64 maxTimestamp
 * </pre>
 * All big-endian. A file that is short, has another magic/version, or fails its CRC is ignored.
 * Stateless.
 */
final class ProducerStateSnapshot {

    static final String SUFFIX = ".snapshot";
    /** Newest snapshots always kept per partition. */
    static final int RETAINED = 3;

    private static final int MAGIC = 0x4D505331;
    private static final short VERSION = 2;
    private static final short VERSION_WITHOUT_TXN = 1;
    private static final int HEADER_SIZE = 4 + 2 + 4 + 8 + 4;
    private static final int CRC_POSITION = 6;
    private static final int ENTRY_FIXED_SIZE = 8 + 2 + 8 + 4 + 8 + 8 + 1;
    private static final int BATCH_SIZE = 4 + 4 + 8 + 8 + 8;

    private ProducerStateSnapshot() {}

    static Path file(Path dir, long offset) {
        return dir.resolve(LogSegment.fileName(offset) + SUFFIX);
    }

    /** Serializes the table (cheap; called under the partition lock so the state matches the offset). */
    static byte[] serialize(ProducerStateTable table, long offset) {
        int size = HEADER_SIZE;
        for (ProducerStateTable.Entry e : table.entries().values()) {
            size += ENTRY_FIXED_SIZE + e.count * BATCH_SIZE;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(MAGIC).putShort(VERSION).putInt(0).putLong(offset).putInt(table.size());
        for (Map.Entry<Long, ProducerStateTable.Entry> me : table.entries().entrySet()) {
            ProducerStateTable.Entry e = me.getValue();
            b.putLong(me.getKey())
                    .putShort(e.epoch)
                    .putLong(e.lastUpdateMs)
                    .putInt(e.coordinatorEpoch)
                    .putLong(e.currentTxnFirstOffset)
                    .putLong(e.lastTimestamp)
                    .put((byte) e.count);
            for (int i = 0; i < e.count; i++) {
                int s = e.slot(i);
                b.putInt(e.firstSeq[s])
                        .putInt(e.lastSeq[s])
                        .putLong(e.firstOffset[s])
                        .putLong(e.lastOffset[s])
                        .putLong(e.maxTimestamp[s]);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), CRC_POSITION + 4, size - CRC_POSITION - 4);
        b.putInt(CRC_POSITION, (int) crc.getValue());
        return b.array();
    }

    /**
     * Writes a snapshot durably, then prunes older ones: the newest {@link #RETAINED} stay, and so
     * do every snapshot from the newest one at or below {@code recoveryPoint} on, because recovery
     * after a crash rebuilds the aborted-transaction indexes of the segments from the recovery point
     * by replaying from such a snapshot ({@link ProducerStateLoader}).
     *
     * @param recoveryPoint the partition's last checkpointed recovery point; -1 when unknown (keeps all)
     */
    static void write(Path dir, long offset, byte[] content, long recoveryPoint) throws IOException {
        AtomicFiles.replace(file(dir, offset), content);
        if (recoveryPoint < 0) {
            return;
        }
        List<Long> offsets = list(dir);
        int newestAtOrBelow = -1;
        for (int i = 0; i < offsets.size(); i++) {
            if (offsets.get(i) <= recoveryPoint) {
                newestAtOrBelow = i;
            }
        }
        int keepFrom = Math.min(Math.max(newestAtOrBelow, 0), Math.max(0, offsets.size() - RETAINED));
        for (int i = 0; i < keepFrom; i++) {
            Files.deleteIfExists(file(dir, offsets.get(i)));
        }
    }

    /**
     * Parses a snapshot into {@code table}.
     *
     * @throws IllegalArgumentException describing the corruption
     */
    static void read(byte[] content, long expectedOffset, ProducerStateTable table) {
        ByteBuffer b = ByteBuffer.wrap(content);
        try {
            if (b.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a producer-state snapshot (bad magic)");
            }
            short version = b.getShort();
            if (version != VERSION && version != VERSION_WITHOUT_TXN) {
                throw new IllegalArgumentException("unsupported snapshot version " + version);
            }
            int storedCrc = b.getInt();
            CRC32C crc = new CRC32C();
            crc.update(content, CRC_POSITION + 4, content.length - CRC_POSITION - 4);
            if (storedCrc != (int) crc.getValue()) {
                throw new IllegalArgumentException("CRC mismatch");
            }
            long offset = b.getLong();
            if (offset != expectedOffset) {
                throw new IllegalArgumentException("holds offset " + offset + " but is named " + expectedOffset);
            }
            int count = b.getInt();
            for (int i = 0; i < count; i++) {
                long producerId = b.getLong();
                ProducerStateTable.Entry e = new ProducerStateTable.Entry(b.getShort());
                e.lastUpdateMs = b.getLong();
                if (version == VERSION) {
                    e.coordinatorEpoch = b.getInt();
                    e.currentTxnFirstOffset = b.getLong();
                    e.lastTimestamp = b.getLong();
                }
                int batches = b.get();
                if (batches < 0 || batches > ProducerStateTable.CACHED_BATCHES) {
                    throw new IllegalArgumentException("producer " + producerId + " has " + batches + " batches");
                }
                for (int j = 0; j < batches; j++) {
                    e.add(b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong());
                }
                if (version == VERSION_WITHOUT_TXN && batches > 0) {
                    e.lastTimestamp = e.maxTimestamp[e.newest()];
                }
                table.put(producerId, e);
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " trailing bytes");
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated");
        }
    }

    /** Offsets of the snapshot files in {@code dir}, ascending. */
    static List<Long> list(Path dir) throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String digits = name.substring(0, name.length() - SUFFIX.length());
                if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit)) {
                    offsets.add(Long.parseLong(digits));
                }
            }
        }
        Collections.sort(offsets);
        return offsets;
    }
}
