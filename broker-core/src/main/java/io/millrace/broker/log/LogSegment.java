package io.millrace.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One segment of a partition: a log file plus its sparse offset and time indexes, all named by
 * the segment's base offset (the offset of its first batch), zero-padded to 20 digits:
 * <ul>
 *   <li>{@code 00000000000000000000.log}: record batches (magic 2) back to back, stored
 *       byte-for-byte as the producer sent them except for the base offset and partition leader
 *       epoch fields, which the broker assigns (both lie outside the batch CRC). See
 *       {@link BatchHeader} for the batch layout. No file header. While the segment is active
 *       the file may continue past the data with zeros written ahead of time
 *       ({@link SegmentPrefill}); they are cut when it stops being active, at clean shutdown, or
 *       by recovery after a crash, so only {@link #size()} says where the data ends.</li>
 *   <li>{@code 00000000000000000000.index}: see {@link OffsetIndex}.</li>
 *   <li>{@code 00000000000000000000.timeindex}: see {@link TimeIndex}.</li>
 *   <li>{@code 00000000000000000000.txnindex}: aborted transactions whose markers lie in the
 *       segment, see {@link TxnIndex}; only present once there is one.</li>
 * </ul>
 * A removed segment's files are renamed with a {@code .deleted} suffix and deleted after
 * file.delete.delay.ms, so reads in flight can finish (under the new name). A segment written
 * by the {@link Cleaner} starts with the suffix {@code .cleaned} on all its files, becomes
 * {@code .swap} once complete and fsynced, and loses the suffix when it has replaced the segments
 * it was cleaned from ({@link PartitionLog#replaceSegments}); {@link SwapRecovery} finishes or
 * discards that sequence after a crash. Offsets within a cleaned segment may have gaps.
 *
 * <p>An idle segment holds no file descriptor and no mapping: the log file's channel is a
 * {@link CachedFileChannel} and the indexes map their files on use ({@link SparseIndex}), both
 * bounded by the node's caches ({@link SegmentChannels}), which close or drop the least recently
 * used. Renames go through the channel and the indexes, so a file is always reopened under its
 * current name.
 *
 * <p>Thread-safety: appends, rolls and truncation are done by one thread at a time (the owning
 * {@link PartitionLog}'s lock holder). Reads are lock-free: they read the volatile {@link #size()}
 * (or a durable position published by the log) and only touch bytes below it, which never change
 * once written. The group-commit thread reads and updates {@link #flushedSize()}.
 */
final class LogSegment {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String TXN_INDEX_SUFFIX = ".txnindex";
    static final String DELETED_SUFFIX = ".deleted";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";

    private static final long UNKNOWN = Long.MIN_VALUE;

    private final long baseOffset;
    private final CachedFileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TxnIndex txnIndex;
    private final long rollJitterMs;
    private final SegmentPrefill prefill;
    private volatile int size;
    private volatile int flushedSize;
    private volatile boolean indexesNeedSync;
    /** The preallocated tail was cut: the file's new length awaits an fsync (with the indexes). */
    private volatile boolean lengthNeedsSync;

    private volatile boolean deleted;
    private volatile long maxTimestamp = UNKNOWN;
    private volatile long maxTimestampBatchOffset = -1;
    private volatile long firstBatchMaxTimestamp = UNKNOWN;
    private int bytesSinceLastIndexEntry;
    private long rollingBaseTimeMs = -1;

    private LogSegment(
            Path dir,
            long baseOffset,
            String suffix,
            CachedFileChannel channel,
            int size,
            SegmentChannels channels,
            long rollJitterMs) {
        this.baseOffset = baseOffset;
        this.channel = channel;
        this.offsetIndex = new OffsetIndex(file(dir, baseOffset, INDEX_SUFFIX + suffix), baseOffset, channels);
        this.timeIndex = new TimeIndex(file(dir, baseOffset, TIME_INDEX_SUFFIX + suffix), baseOffset, channels);
        this.txnIndex = new TxnIndex(file(dir, baseOffset, TXN_INDEX_SUFFIX + suffix), channels);
        this.rollJitterMs = rollJitterMs;
        this.size = size;
        this.flushedSize = size;
        this.prefill = new SegmentPrefill(size);
    }

    /** A new, empty, active segment (files created, indexes preallocated). */
    static LogSegment create(Path dir, long baseOffset, LogConfig config, SegmentChannels channels) throws IOException {
        return create(dir, baseOffset, "", config, channels);
    }

    /** A new, empty segment for the cleaner's output, its files named with {@value #CLEANED_SUFFIX}. */
    static LogSegment createCleaned(Path dir, long baseOffset, LogConfig config, SegmentChannels channels)
            throws IOException {
        return create(dir, baseOffset, CLEANED_SUFFIX, config, channels);
    }

    /** On failure the files created so far are removed again, so that the creation can be retried. */
    private static LogSegment create(
            Path dir, long baseOffset, String suffix, LogConfig config, SegmentChannels channels) throws IOException {
        CachedFileChannel ch =
                channels.create(file(dir, baseOffset, LOG_SUFFIX + suffix), StandardOpenOption.CREATE_NEW);
        long jitterBound = Math.min(config.segmentJitterMs(), config.segmentMs());
        long jitter = jitterBound > 0 ? ThreadLocalRandom.current().nextLong(jitterBound) : 0;
        LogSegment segment = new LogSegment(dir, baseOffset, suffix, ch, 0, channels, jitter);
        try {
            segment.offsetIndex.openForAppend(config.segmentIndexBytes(), true);
            segment.timeIndex.openForAppend(config.segmentIndexBytes(), true);
            segment.maxTimestamp = BatchHeader.NO_TIMESTAMP;
            return segment;
        } catch (IOException | RuntimeException e) {
            try {
                segment.closeAndDelete();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * An existing segment; nothing is opened (the log file on first use, the indexes lazily,
     * read-only).
     */
    static LogSegment open(Path dir, long baseOffset, SegmentChannels channels) throws IOException {
        Path logFile = file(dir, baseOffset, LOG_SUFFIX);
        long length = Files.size(logFile);
        if (length > Integer.MAX_VALUE) {
            throw new IOException("Segment file " + logFile + " is " + length + " bytes, larger than the 2 GiB a"
                    + " segment may hold; it was not written by this broker");
        }
        return new LogSegment(dir, baseOffset, "", channels.existing(logFile), (int) length, channels, 0);
    }

    static Path file(Path dir, long baseOffset, String suffix) {
        return dir.resolve(fileName(baseOffset) + suffix);
    }

    /** The base offset a 20-digit file name prefix denotes, or -1 when it is not one. */
    static long parseBaseOffset(String digits) {
        if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String fileName(long baseOffset) {
        String digits = Long.toString(baseOffset);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }

    long baseOffset() {
        return baseOffset;
    }

    FileChannel channel() {
        return channel;
    }

    /** The log file's current name. */
    Path logFile() {
        return channel.file();
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    TxnIndex txnIndex() {
        return txnIndex;
    }

    /** Bytes written to the log file (published after each append). */
    int size() {
        return size;
    }

    int flushedSize() {
        return flushedSize;
    }

    void markFlushed(int position) {
        if (position > flushedSize) {
            flushedSize = position;
        }
    }

    boolean indexesNeedSync() {
        return indexesNeedSync;
    }

    boolean isDeleted() {
        return deleted;
    }

    /**
     * fsyncs the index files (after they were trimmed or rebuilt), the aborted-transaction index,
     * and the log file's length when its preallocated tail was cut.
     */
    void syncIndexes() throws IOException {
        if (lengthNeedsSync) {
            channel.force(false);
            lengthNeedsSync = false;
        }
        offsetIndex.sync();
        timeIndex.sync();
        txnIndex.sync();
        indexesNeedSync = false;
    }

    /**
     * Whether the next batch must go to a new segment: this one is non-empty and the batch would
     * overflow segment.bytes, segment.ms (minus this segment's jitter) has passed since its first
     * append, an index is full, or the batch's offsets no longer fit a 32-bit relative offset.
     */
    boolean shouldRoll(int batchSize, long lastOffset, long nowMs, LogConfig config) {
        if (size == 0) {
            return false;
        }
        return (long) size + batchSize > config.segmentBytes()
                || (rollingBaseTimeMs >= 0 && nowMs - rollingBaseTimeMs > config.segmentMs() - rollJitterMs)
                || offsetIndex.isFull()
                || timeIndex.isFull()
                || lastOffset - baseOffset > Integer.MAX_VALUE;
    }

    /**
     * Appends one batch (its base offset already stamped) with positional writes, then updates the
     * indexes and the largest timestamp. The caller holds the partition lock.
     */
    void append(ByteBuffer batch, long batchBaseOffset, long batchMaxTimestamp, long nowMs, int indexIntervalBytes)
            throws IOException {
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            // This batch gets index entries: map the indexes first, so a mapping limit fails the
            // append before its write rather than after.
            offsetIndex.buffer();
            timeIndex.buffer();
        }
        int position = size;
        int batchSize = batch.remaining();
        int end = position + batchSize;
        boolean beyondPrefill = prefill.beforeWrite(end);
        boolean written = false;
        try {
            long writeAt = position;
            while (batch.hasRemaining()) {
                writeAt += channel.write(batch, writeAt);
            }
            written = true;
        } finally {
            if (beyondPrefill) {
                prefill.afterWrite(end, written);
            }
        }
        if (rollingBaseTimeMs < 0) {
            rollingBaseTimeMs = nowMs;
        }
        onBatch(batchBaseOffset, position, batchSize, batchMaxTimestamp, indexIntervalBytes);
        size = position + batchSize;
    }

    /**
     * Appends whole batches (the cleaner's output, offsets already final) with positional writes
     * and indexes them. Only for a segment no reader or appender can see yet.
     */
    void appendBatches(ByteBuffer batches, int indexIntervalBytes) throws IOException {
        int position = size;
        int at = batches.position();
        int end = batches.limit();
        long writeAt = position;
        while (batches.hasRemaining()) {
            writeAt += channel.write(batches, writeAt);
        }
        while (at + BatchHeader.HEADER_SIZE <= end) {
            int batchSize = BatchHeader.length(batches, at) + BatchHeader.LOG_OVERHEAD;
            onBatch(
                    BatchHeader.baseOffset(batches, at),
                    position,
                    batchSize,
                    BatchHeader.maxTimestamp(batches, at),
                    indexIntervalBytes);
            position += batchSize;
            at += batchSize;
        }
        size = position;
    }

    /** Index bookkeeping for a batch at {@code position}; shared by append and recovery. */
    void onBatch(long batchBaseOffset, int position, int batchSize, long batchMaxTimestamp, int indexIntervalBytes)
            throws IOException {
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestampBatchOffset = batchBaseOffset;
            maxTimestamp = batchMaxTimestamp;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(batchBaseOffset, position);
            timeIndex.maybeAppend(maxTimestamp, maxTimestampBatchOffset, false);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /**
     * The segment stops being active: final time-index entry, indexes trimmed, preallocated tail cut
     * (all synced later, {@link #syncIndexes}).
     */
    void onBecomeInactive() throws IOException {
        prefill.seal(size);
        // The file's length, not the fill's bookkeeping: a fill that failed half-way also left zeros.
        if (channel.size() > size) {
            channel.truncate(size);
            lengthNeedsSync = true;
            indexesNeedSync = true;
        }
        if (offsetIndex.isWritable() || timeIndex.isWritable()) {
            timeIndex.maybeAppend(maxTimestamp, maxTimestampBatchOffset, true);
            offsetIndex.trim();
            timeIndex.trim();
            indexesNeedSync = true;
        }
    }

    /**
     * Makes a recovered segment the active one: indexes reopened for appends with room up to
     * segment.index.bytes.
     */
    void makeActive(int maxIndexBytes, long rollingBaseTimeMs) throws IOException {
        offsetIndex.openForAppend(maxIndexBytes, false);
        timeIndex.openForAppend(maxIndexBytes, false);
        int indexed = offsetIndex.entries() == 0 ? 0 : offsetIndex.lastPosition();
        bytesSinceLastIndexEntry = size - indexed;
        this.rollingBaseTimeMs = rollingBaseTimeMs;
        if (maxTimestamp == UNKNOWN) {
            loadMaxTimestamp();
        }
    }

    /** Discards the index files and starts empty writable ones (recovery rebuilds them). */
    void resetIndexes(int maxIndexBytes) throws IOException {
        offsetIndex.openForAppend(maxIndexBytes, true);
        timeIndex.openForAppend(maxIndexBytes, true);
        bytesSinceLastIndexEntry = 0;
        maxTimestamp = BatchHeader.NO_TIMESTAMP;
        maxTimestampBatchOffset = -1;
    }

    /** Starts the segment's aborted-transaction index afresh (recovery rebuilds it from the log). */
    void resetTxnIndex() throws IOException {
        txnIndex.reset();
    }

    /** Cuts the log file at {@code position} (recovery of a torn or corrupt tail). */
    void truncateTo(int position) throws IOException {
        channel.truncate(position);
        prefill.truncated(position);
        size = position;
        flushedSize = Math.min(flushedSize, position);
    }

    /** Whether little zero-filled space is left ahead of the data; true claims the fill ({@link #fillAhead}). */
    boolean wantsFill(int limit, int maxChunk) {
        return prefill.wantsFill(size, limit, maxChunk);
    }

    /**
     * Zero-fills space ahead of the data ({@link SegmentPrefill#fillAhead}), never past
     * {@code limit}; returns whether it wrote (the caller fsyncs).
     */
    boolean fillAhead(int limit, int maxChunk, long nowMs) throws IOException {
        return prefill.fillAhead(channel, limit, maxChunk, nowMs);
    }

    /** Gives up a fill {@link #wantsFill} claimed (it could not be scheduled). */
    void cancelFill() {
        prefill.cancelFill();
    }

    /** Stops preallocating in this segment (after a failed fill). */
    void stopPrefill() {
        prefill.disable();
    }

    /** Largest batch max-timestamp in the segment, or -1 when no batch carries one. */
    long maxTimestamp() throws IOException {
        if (maxTimestamp == UNKNOWN) {
            loadMaxTimestamp();
        }
        return maxTimestamp;
    }

    /** Base offset of the first batch that carries {@link #maxTimestamp()}, or -1. */
    long maxTimestampBatchOffset() throws IOException {
        if (maxTimestamp == UNKNOWN) {
            loadMaxTimestamp();
        }
        return maxTimestampBatchOffset;
    }

    private synchronized void loadMaxTimestamp() throws IOException {
        if (maxTimestamp != UNKNOWN) {
            return;
        }
        long[] last = timeIndex.lastEntry();
        if (last == null) {
            maxTimestampBatchOffset = -1;
            maxTimestamp = BatchHeader.NO_TIMESTAMP;
        } else {
            maxTimestampBatchOffset = last[1];
            maxTimestamp = last[0];
        }
    }

    /** Max timestamp of the segment's first batch (-1 when empty or untimed); cached once known. */
    long firstBatchMaxTimestamp() throws IOException {
        long cached = firstBatchMaxTimestamp;
        if (cached != UNKNOWN) {
            return cached;
        }
        BatchHeader header = BatchHeader.forThread();
        if (!header.load(channel, 0, size)) {
            return BatchHeader.NO_TIMESTAMP;
        }
        firstBatchMaxTimestamp = header.maxTimestamp();
        return firstBatchMaxTimestamp;
    }

    long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(logFile()).toMillis();
    }

    void setLastModifiedMs(long ms) throws IOException {
        Files.setLastModifiedTime(logFile(), FileTime.fromMillis(ms));
    }

    /** Timestamp retention judges the segment by: its largest timestamp, else the file's mtime. */
    long retentionTimestamp() throws IOException {
        long ts = maxTimestamp();
        if (ts >= 0) {
            return ts;
        }
        try {
            return Files.getLastModifiedTime(logFile()).toMillis();
        } catch (NoSuchFileException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * File position of the batch whose last offset is the first at or above {@code target},
     * looking only below {@code limit}; the header is left loaded in {@code header}. -1 when no
     * such batch lies below the limit.
     */
    long locate(BatchHeader header, long target, long limit) throws IOException {
        long position = offsetIndex.lookup(target);
        if (position >= limit) {
            position = 0;
        }
        while (header.load(channel, position, limit)) {
            int batchSize = header.sizeInBytes();
            if (batchSize < BatchHeader.HEADER_SIZE) {
                return -1;
            }
            if (header.lastOffset() >= target) {
                return position;
            }
            position += batchSize;
        }
        return -1;
    }

    /** Reads {@code size} bytes at {@code position} into a new heap buffer. */
    ByteBuffer readBytes(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("Unexpected end of " + logFile() + " at " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    /**
     * Renames the segment's files from suffix {@code from} to {@code to} (e.g. {@code .cleaned} to
     * {@code .swap}), the index files first so that the log file's name marks the step reached.
     */
    void changeSuffix(String from, String to) throws IOException {
        offsetIndex.renameTo(withSuffix(offsetIndex.file(), from, to));
        timeIndex.renameTo(withSuffix(timeIndex.file(), from, to));
        txnIndex.renameTo(withSuffix(txnIndex.file(), from, to));
        channel.renameTo(withSuffix(logFile(), from, to));
    }

    private static Path withSuffix(Path file, String from, String to) {
        String name = file.getFileName().toString();
        if (!name.endsWith(from)) {
            throw new IllegalStateException(file + " does not end with " + from);
        }
        return file.resolveSibling(name.substring(0, name.length() - from.length()) + to);
    }

    /** Renames the segment's files to {@code <name>.deleted}; readers go on reading them until deletion. */
    void renameToDeleted() throws IOException {
        deleted = true;
        Path logFile = logFile();
        channel.renameTo(logFile.resolveSibling(logFile.getFileName() + DELETED_SUFFIX));
        offsetIndex.renameTo(
                offsetIndex.file().resolveSibling(offsetIndex.file().getFileName() + DELETED_SUFFIX));
        timeIndex.renameTo(timeIndex.file().resolveSibling(timeIndex.file().getFileName() + DELETED_SUFFIX));
        txnIndex.renameTo(txnIndex.file().resolveSibling(txnIndex.file().getFileName() + DELETED_SUFFIX));
    }

    /**
     * The partition directory was moved to {@code dir} (deleted, to the trash): the files are
     * reopened there until their delayed deletion.
     */
    void directoryMoved(Path dir) {
        channel.directoryMoved(dir);
        offsetIndex.directoryMoved(dir);
        timeIndex.directoryMoved(dir);
        txnIndex.directoryMoved(dir);
    }

    /** Closes the channel and deletes every file of the segment. */
    void closeAndDelete() throws IOException {
        deleted = true;
        close();
        Files.deleteIfExists(logFile());
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        txnIndex.deleteIfExists();
    }

    /** Closes the channels for good and drops the index mappings: the segment leaves the caches. */
    void close() throws IOException {
        offsetIndex.close();
        timeIndex.close();
        try {
            txnIndex.close();
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return logFile().getFileName() + "(size=" + size + ")";
    }
}
