package io.millrace.broker.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The fixed 61-byte header of a record batch (magic 2), as field offsets, static accessors over
 * any buffer, and a flyweight that reads headers out of a segment file through a small reusable
 * window.
 *
 * <pre>
 * offset  size  field
 *      0     8  baseOffset            assigned by the broker (outside the CRC)
 *      8     4  length                bytes after this field
 *     12     4  partitionLeaderEpoch  stamped by the broker (outside the CRC)
 *     16     1  magic                 2
 *     17     4  crc                   CRC-32C of bytes 21..end (attributes to the last record)
 *     21     2  attributes            bits 0-2 codec, 3 timestamp type (1 = LogAppendTime),
 *                                     4 transactional, 5 control, 6 delete horizon
 *     23     4  lastOffsetDelta
 *     27     8  baseTimestamp
 *     35     8  maxTimestamp
 *     43     8  producerId            -1 when not idempotent
 *     51     2  producerEpoch
 *     53     4  baseSequence
 *     57     4  recordCount
 *     61        records
 * </pre>
 * All integers are big-endian.
 *
 * <p>Static accessors take an absolute index and never move the buffer's position. A
 * {@code BatchHeader} instance is a flyweight for scanning files: {@link #load} makes the header
 * at a file position readable (one positional read serves every header that falls inside the
 * 4 KiB window), so scanning allocates nothing per batch. Instances are not thread-safe; use one
 * per thread ({@link #forThread()}).
 */
final class BatchHeader {

    static final int BASE_OFFSET_OFFSET = 0;
    static final int LENGTH_OFFSET = BASE_OFFSET_OFFSET + 8;
    static final int PARTITION_LEADER_EPOCH_OFFSET = LENGTH_OFFSET + 4;
    static final int MAGIC_OFFSET = PARTITION_LEADER_EPOCH_OFFSET + 4;
    static final int CRC_OFFSET = MAGIC_OFFSET + 1;
    static final int ATTRIBUTES_OFFSET = CRC_OFFSET + 4;
    static final int LAST_OFFSET_DELTA_OFFSET = ATTRIBUTES_OFFSET + 2;
    static final int BASE_TIMESTAMP_OFFSET = LAST_OFFSET_DELTA_OFFSET + 4;
    static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + 8;
    static final int PRODUCER_ID_OFFSET = MAX_TIMESTAMP_OFFSET + 8;
    static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + 8;
    static final int BASE_SEQUENCE_OFFSET = PRODUCER_EPOCH_OFFSET + 2;
    static final int RECORDS_COUNT_OFFSET = BASE_SEQUENCE_OFFSET + 4;
    /** Size of the header; also the smallest possible batch. */
    static final int HEADER_SIZE = RECORDS_COUNT_OFFSET + 4;
    /** Bytes before the length field's coverage starts: baseOffset + length. */
    static final int LOG_OVERHEAD = LENGTH_OFFSET + 4;

    static final byte MAGIC_V2 = 2;
    static final int COMPRESSION_CODEC_MASK = 0x07;
    static final int TIMESTAMP_TYPE_MASK = 0x08;
    static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    static final int CONTROL_FLAG_MASK = 0x20;
    /** Set by the log cleaner: baseTimestamp then holds the delete horizon (see {@link CompactionFilter}). */
    static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    static final long NO_TIMESTAMP = -1L;
    static final long NO_PRODUCER_ID = -1L;

    private static final int WINDOW_SIZE = 4096;
    private static final ThreadLocal<BatchHeader> PER_THREAD = ThreadLocal.withInitial(BatchHeader::new);
    private static final ThreadLocal<CRC32C> CRC = ThreadLocal.withInitial(CRC32C::new);

    private final ByteBuffer window = ByteBuffer.allocateDirect(WINDOW_SIZE);
    private FileChannel windowChannel;
    private long windowStart = -1;
    private int windowLength;
    private int at;
    private long filePosition;

    /** This thread's reusable flyweight; call {@link #reset()} before scanning a new file region. */
    static BatchHeader forThread() {
        BatchHeader header = PER_THREAD.get();
        header.reset();
        return header;
    }

    /** Forgets the cached window (the file may have changed since it was read). */
    void reset() {
        windowChannel = null;
        windowStart = -1;
        windowLength = 0;
    }

    /**
     * Makes the header of the batch starting at {@code position} readable.
     *
     * @param limit file position the header must end at or before (bytes past it are never read)
     * @return false when fewer than {@link #HEADER_SIZE} bytes lie between position and limit
     * @throws EOFException if the file is shorter than {@code limit}
     */
    boolean load(FileChannel channel, long position, long limit) throws IOException {
        if (position < 0 || position + HEADER_SIZE > limit) {
            return false;
        }
        if (channel != windowChannel || position < windowStart || position + HEADER_SIZE > windowStart + windowLength) {
            int toRead = (int) Math.min(WINDOW_SIZE, limit - position);
            window.clear().limit(toRead);
            windowChannel = null;
            while (window.hasRemaining()) {
                int n = channel.read(window, position + window.position());
                if (n < 0) {
                    throw new EOFException("Segment file ends before position " + (position + toRead));
                }
            }
            windowChannel = channel;
            windowStart = position;
            windowLength = toRead;
        }
        at = (int) (position - windowStart);
        filePosition = position;
        return true;
    }

    long position() {
        return filePosition;
    }

    long baseOffset() {
        return baseOffset(window, at);
    }

    /** Value of the length field (batch size minus {@link #LOG_OVERHEAD}). */
    int length() {
        return length(window, at);
    }

    /** Whole batch size in bytes, length field included. */
    int sizeInBytes() {
        return length() + LOG_OVERHEAD;
    }

    byte magic() {
        return magic(window, at);
    }

    int attributes() {
        return attributes(window, at);
    }

    int lastOffsetDelta() {
        return lastOffsetDelta(window, at);
    }

    long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    long baseTimestamp() {
        return baseTimestamp(window, at);
    }

    long maxTimestamp() {
        return maxTimestamp(window, at);
    }

    long producerId() {
        return producerId(window, at);
    }

    short producerEpoch() {
        return producerEpoch(window, at);
    }

    int baseSequence() {
        return baseSequence(window, at);
    }

    int recordCount() {
        return recordCount(window, at);
    }

    boolean isControl() {
        return (attributes() & CONTROL_FLAG_MASK) != 0;
    }

    boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    // ---- static accessors over a buffer holding a batch at index {@code at} ----

    static long baseOffset(ByteBuffer b, int at) {
        return b.getLong(at + BASE_OFFSET_OFFSET);
    }

    static int length(ByteBuffer b, int at) {
        return b.getInt(at + LENGTH_OFFSET);
    }

    static byte magic(ByteBuffer b, int at) {
        return b.get(at + MAGIC_OFFSET);
    }

    static long crc(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at + CRC_OFFSET));
    }

    static int attributes(ByteBuffer b, int at) {
        return b.getShort(at + ATTRIBUTES_OFFSET);
    }

    static int lastOffsetDelta(ByteBuffer b, int at) {
        return b.getInt(at + LAST_OFFSET_DELTA_OFFSET);
    }

    static long baseTimestamp(ByteBuffer b, int at) {
        return b.getLong(at + BASE_TIMESTAMP_OFFSET);
    }

    static long maxTimestamp(ByteBuffer b, int at) {
        return b.getLong(at + MAX_TIMESTAMP_OFFSET);
    }

    static long producerId(ByteBuffer b, int at) {
        return b.getLong(at + PRODUCER_ID_OFFSET);
    }

    static short producerEpoch(ByteBuffer b, int at) {
        return b.getShort(at + PRODUCER_EPOCH_OFFSET);
    }

    static int baseSequence(ByteBuffer b, int at) {
        return b.getInt(at + BASE_SEQUENCE_OFFSET);
    }

    static int recordCount(ByteBuffer b, int at) {
        return b.getInt(at + RECORDS_COUNT_OFFSET);
    }

    static void setBaseOffset(ByteBuffer b, int at, long baseOffset) {
        b.putLong(at + BASE_OFFSET_OFFSET, baseOffset);
    }

    static void setPartitionLeaderEpoch(ByteBuffer b, int at, int epoch) {
        b.putInt(at + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /** Sequence number of the batch's last record, wrapping past {@link Integer#MAX_VALUE} to 0. */
    static int lastSequence(int baseSequence, int lastOffsetDelta) {
        if (baseSequence < 0) {
            return baseSequence;
        }
        long last = (long) baseSequence + lastOffsetDelta;
        return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
    }

    /** CRC-32C of the batch's covered bytes (attributes to end) for a batch of {@code size} bytes. */
    static long computeCrc(ByteBuffer b, int at, int size) {
        CRC32C crc = CRC.get();
        crc.reset();
        ByteBuffer view = b.duplicate();
        view.limit(at + size).position(at + ATTRIBUTES_OFFSET);
        crc.update(view);
        return crc.getValue();
    }

    /** Recomputes and stores the CRC after the covered bytes changed. */
    static void rewriteCrc(ByteBuffer b, int at, int size) {
        b.putInt(at + CRC_OFFSET, (int) computeCrc(b, at, size));
    }
}
