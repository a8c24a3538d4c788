package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a partition directory to a consistent state at startup and loads its segments.
 *
 * <ol>
 *   <li>Completes a cleaned segment's interrupted swap ({@link SwapRecovery}), then deletes
 *       leftovers of interrupted operations: {@code *.deleted}, {@code *.cleaned}, {@code *.swap},
 *       {@code *.tmp} files and index files whose log file is gone.</li>
 *   <li>After an unclean shutdown, every segment from the one holding the partition's recovery
 *       point (all segments when there is none) is scanned batch by batch: length within the
 *       file, magic 2, base offset above the previous batch's last offset (compaction leaves gaps,
 *       so offsets need not be contiguous), CRC-32C. Its indexes are
 *       rebuilt on the way. At the first bad or torn batch the segment is truncated there and
 *       every later segment deleted (logged as a WARN with the byte counts). Earlier segments are
 *       trusted.</li>
 *   <li>After a clean shutdown, indexes are trusted, but the last segment's tail is checked
 *       cheaply (headers from its last index entry to the end, CRC of the last batch); any doubt
 *       means a full scan of that segment.</li>
 *   <li>Trusted segments whose index files are missing or fail a sanity check get them rebuilt.</li>
 *   <li>Aborted-transaction indexes ({@link TxnIndex}) of scanned segments, and damaged ones of
 *       trusted segments, are discarded; {@link Result#txnIndexRebuildFrom()} tells
 *       {@link ProducerStateLoader} where to rebuild them from.</li>
 *   <li>Whatever was scanned or truncated is fsynced, so all data present is durable afterwards.</li>
 * </ol>
 * Corrupt data never makes recovery fail; only I/O errors do. Runs once per partition before the
 * log is shared; not thread-safe.
 */
final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);
    private static final int READ_CHUNK = 1 << 20;

    /**
     * The loaded segments (last one active), log end and log start offsets, and the base offset of
     * the first segment whose aborted-transaction index was discarded and must be rebuilt from the
     * log ({@link Long#MAX_VALUE} when none was).
     */
    record Result(
            ConcurrentSkipListMap<Long, LogSegment> segments,
            long logEndOffset,
            long logStartOffset,
            long txnIndexRebuildFrom) {}

    /**
     * What a scan of one segment found; {@code zeroTail}: it ended at unused preallocated space
     * (zeros to the end of the file), which it cut.
     */
    private record Scan(long nextOffset, int validBytes, String problem, long firstMaxTimestamp, boolean zeroTail) {}

    private final Path dir;
    private final String tp;
    private final LogConfig config;
    private final SegmentChannels channels;
    private final long nowMs;
    private final Set<LogSegment> toSync = new HashSet<>();
    private boolean dirChanged;
    private long txnIndexRebuildFrom = Long.MAX_VALUE;
    private ByteBuffer chunk;
    private long chunkStart;
    private int chunkLength;

    private LogRecovery(Path dir, String tp, LogConfig config, SegmentChannels channels, long nowMs) {
        this.dir = dir;
        this.tp = tp;
        this.config = config;
        this.channels = channels;
        this.nowMs = nowMs;
    }

    static Result recover(
            Path dir,
            String tp,
            LogConfig config,
            SegmentChannels channels,
            long nowMs,
            boolean cleanShutdown,
            OptionalLong recoveryPoint)
            throws IOException {
        return new LogRecovery(dir, tp, config, channels, nowMs).run(cleanShutdown, recoveryPoint);
    }

    private Result run(boolean cleanShutdown, OptionalLong recoveryPoint) throws IOException {
        TreeSet<Long> bases = cleanDirectory();
        OptionalLong persistedStart = Checkpoints.readLogStartOffset(dir, tp);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        try {
            for (long base : bases) {
                segments.put(base, LogSegment.open(dir, base, channels));
            }
            if (segments.isEmpty()) {
                long start = persistedStart.orElse(0L);
                segments.put(start, LogSegment.create(dir, start, config, channels));
                dirChanged = true;
                finish(segments);
                return new Result(segments, start, start, Long.MAX_VALUE);
            }
            long firstToScan = cleanShutdown
                    ? Long.MAX_VALUE
                    : recoveryPoint.isPresent() && segments.floorKey(recoveryPoint.getAsLong()) != null
                            ? segments.floorKey(recoveryPoint.getAsLong())
                            : segments.firstKey();
            long logEnd = loadSegments(segments, firstToScan);
            long logStart = Math.max(persistedStart.orElse(segments.firstKey()), segments.firstKey());
            if (logStart > logEnd) {
                LOG.warn(
                        "{}: log start offset {} is beyond the recovered log end {}; the partition restarts empty at"
                                + " offset {} so that no offset is ever reused",
                        tp,
                        logStart,
                        logEnd,
                        logStart);
                for (LogSegment s : List.copyOf(segments.values())) {
                    segments.remove(s.baseOffset());
                    toSync.remove(s);
                    s.closeAndDelete();
                }
                segments.put(logStart, LogSegment.create(dir, logStart, config, channels));
                dirChanged = true;
                logEnd = logStart;
            }
            finish(segments);
            return new Result(segments, logEnd, logStart, txnIndexRebuildFrom);
        } catch (IOException | RuntimeException e) {
            for (LogSegment s : segments.values()) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Deletes leftovers and returns the base offsets of the segments present. */
    private TreeSet<Long> cleanDirectory() throws IOException {
        if (SwapRecovery.completeSwaps(dir, tp, channels)) {
            dirChanged = true;
        }
        TreeSet<Long> logs = new TreeSet<>();
        List<Path> indexFiles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(LogSegment.DELETED_SUFFIX)
                        || name.endsWith(LogSegment.CLEANED_SUFFIX)
                        || name.endsWith(LogSegment.SWAP_SUFFIX)
                        || name.endsWith(AtomicFiles.TMP_SUFFIX)) {
                    LOG.info("{}: removing {} left behind by an interrupted operation", tp, f);
                    Files.deleteIfExists(f);
                    dirChanged = true;
                } else if (name.endsWith(LogSegment.LOG_SUFFIX)) {
                    OptionalLong base = parseBase(name, LogSegment.LOG_SUFFIX);
                    if (base.isPresent()) {
                        logs.add(base.getAsLong());
                    }
                } else if (name.endsWith(LogSegment.INDEX_SUFFIX)
                        || name.endsWith(LogSegment.TIME_INDEX_SUFFIX)
                        || name.endsWith(LogSegment.TXN_INDEX_SUFFIX)) {
                    indexFiles.add(f);
                }
            }
        }
        for (Path f : indexFiles) {
            String name = f.getFileName().toString();
            OptionalLong base = parseBase(name, name.substring(name.lastIndexOf('.')));
            if (base.isPresent() && !logs.contains(base.getAsLong())) {
                LOG.info("{}: removing index file {} whose segment no longer exists", tp, f);
                Files.deleteIfExists(f);
                dirChanged = true;
            }
        }
        return logs;
    }

    private static OptionalLong parseBase(String name, String suffix) {
        long base = LogSegment.parseBaseOffset(name.substring(0, name.length() - suffix.length()));
        return base < 0 ? OptionalLong.empty() : OptionalLong.of(base);
    }

    /** Scans or trusts each segment; returns the log end offset. Leaves the last segment active. */
    private long loadSegments(ConcurrentSkipListMap<Long, LogSegment> segments, long firstToScan) throws IOException {
        List<LogSegment> list = new ArrayList<>(segments.values());
        long logEnd = -1;
        long firstMaxTimestamp = BatchHeader.NO_TIMESTAMP;
        for (int i = 0; i < list.size(); i++) {
            LogSegment segment = list.get(i);
            boolean last = i == list.size() - 1;
            Scan scan = null;
            if (segment.baseOffset() >= firstToScan) {
                scan = scanAndRepair(segment, true);
            } else {
                if (!segment.txnIndex().isIntact()) {
                    LOG.warn(
                            "{}: the aborted-transaction index {} is damaged; rebuilding it from the log",
                            tp,
                            segment.txnIndex().file());
                    rebuildTxnIndex(segment);
                }
                if (!indexesLookSane(segment)) {
                    LOG.info("{}: rebuilding the indexes of {} (missing or inconsistent)", tp, segment.logFile());
                    scan = scanAndRepair(segment, false);
                } else if (last) {
                    long end = checkTail(segment);
                    if (end < 0) {
                        LOG.warn(
                                "{}: the tail of {} does not check out although the broker shut down cleanly;"
                                        + " scanning the whole segment",
                                tp,
                                segment.logFile());
                        scan = scanAndRepair(segment, true);
                    } else {
                        logEnd = end;
                        firstMaxTimestamp = firstBatchMaxTimestamp(segment);
                    }
                }
            }
            if (scan != null) {
                logEnd = scan.nextOffset();
                firstMaxTimestamp = scan.firstMaxTimestamp();
                // A gap before the next segment is normal after compaction; an overlap is not.
                boolean overlap = !last
                        && scan.problem() == null
                        && scan.nextOffset() > list.get(i + 1).baseOffset();
                // A rolled segment ends where the next begins; zeros before a gap mean lost, unsynced records.
                boolean lostTail = !last
                        && scan.zeroTail()
                        && scan.nextOffset() < list.get(i + 1).baseOffset();
                if (scan.problem() != null || overlap || lostTail) {
                    dropLaterSegments(
                            segments,
                            list.subList(i + 1, list.size()),
                            overlap || lostTail
                                    ? "segment "
                                            + segment.logFile().getFileName() + " ends at offset " + scan.nextOffset()
                                            + (lostTail ? ", followed by zeros," : "")
                                            + " but the next segment starts at "
                                            + list.get(i + 1).baseOffset()
                                    : scan.problem());
                    last = true;
                }
                if (!last) {
                    segment.onBecomeInactive();
                }
            }
            if (last) {
                long rollBase = firstMaxTimestamp >= 0 && firstMaxTimestamp <= nowMs ? firstMaxTimestamp : nowMs;
                segment.makeActive(config.segmentIndexBytes(), rollBase);
                break;
            }
        }
        return logEnd;
    }

    /** Discards the segment's aborted-transaction index; {@link ProducerStateLoader} rebuilds it. */
    private void rebuildTxnIndex(LogSegment segment) throws IOException {
        segment.resetTxnIndex();
        txnIndexRebuildFrom = Math.min(txnIndexRebuildFrom, segment.baseOffset());
        dirChanged = true;
    }

    private boolean indexesLookSane(LogSegment segment) throws IOException {
        return Files.exists(segment.offsetIndex().file())
                && Files.exists(segment.timeIndex().file())
                && segment.offsetIndex().looksValid(segment.size())
                && segment.timeIndex().looksValid();
    }

    private void dropLaterSegments(ConcurrentSkipListMap<Long, LogSegment> segments, List<LogSegment> later, String why)
            throws IOException {
        for (LogSegment s : later) {
            LOG.warn(
                    "{}: deleting segment {} ({} bytes, offsets from {}) because an earlier part of the log is"
                            + " damaged ({}); the log must be contiguous",
                    tp,
                    s.logFile(),
                    s.size(),
                    s.baseOffset(),
                    why);
            segments.remove(s.baseOffset());
            toSync.remove(s);
            s.closeAndDelete();
            dirChanged = true;
        }
    }

    /**
     * Reads every batch of the segment, rebuilding its indexes; truncates at the first invalid
     * batch. With {@code checkCrc} false only headers are read (index rebuild of a trusted segment).
     */
    private Scan scanAndRepair(LogSegment segment, boolean checkCrc) throws IOException {
        segment.resetIndexes(config.segmentIndexBytes());
        if (checkCrc) {
            // The segment's content may change (truncation): its aborted transactions are re-derived.
            rebuildTxnIndex(segment);
        }
        FileChannel ch = segment.channel();
        long fileSize = ch.size();
        chunkLength = 0;
        long position = 0;
        long expected = segment.baseOffset();
        long firstMaxTs = BatchHeader.NO_TIMESTAMP;
        String problem = null;
        while (position < fileSize) {
            problem = checkBatch(ch, position, fileSize, expected, segment.baseOffset(), checkCrc);
            if (problem != null) {
                break;
            }
            int at = (int) (position - chunkStart);
            int size = chunk.getInt(at + BatchHeader.LENGTH_OFFSET) + BatchHeader.LOG_OVERHEAD;
            long maxTs = chunk.getLong(at + BatchHeader.MAX_TIMESTAMP_OFFSET);
            if (position == 0) {
                firstMaxTs = maxTs;
            }
            long base = chunk.getLong(at + BatchHeader.BASE_OFFSET_OFFSET);
            segment.onBatch(base, (int) position, size, maxTs, config.indexIntervalBytes());
            expected = base + chunk.getInt(at + BatchHeader.LAST_OFFSET_DELTA_OFFSET) + 1L;
            position += size;
        }
        toSync.add(segment);
        if (problem != null && allZeros(ch, position, fileSize)) {
            LOG.info(
                    "{}: cutting {} bytes of unused preallocated space (zeros) from the end of {} at byte {}, where"
                            + " offset {} would start; the broker did not shut down cleanly",
                    tp,
                    fileSize - position,
                    segment.logFile(),
                    position,
                    expected);
            segment.truncateTo((int) position);
            return new Scan(expected, (int) position, null, firstMaxTs, true);
        }
        if (problem != null) {
            long dropped = fileSize - position;
            LOG.warn(
                    "{}: segment {} is damaged at byte {} (where offset {} should start): {}. Truncating the segment"
                            + " there, dropping {} bytes; these records had not been made durable before the crash or were"
                            + " damaged on disk. Producers re-send what was not acknowledged.",
                    tp,
                    segment.logFile(),
                    position,
                    expected,
                    problem,
                    dropped);
            segment.truncateTo((int) position);
            return new Scan(expected, (int) position, problem, firstMaxTs, false);
        }
        return new Scan(expected, (int) position, null, firstMaxTs, false);
    }

    /** Whether {@code [from, to)} of the file holds only zero bytes (space preallocated, never written). */
    private boolean allZeros(FileChannel ch, long from, long to) throws IOException {
        long position = from;
        while (position < to) {
            int n = (int) Math.min(READ_CHUNK, to - position);
            if (!ensure(ch, position, n, to)) {
                return false;
            }
            int at = (int) (position - chunkStart);
            for (int i = 0; i < n; i++) {
                if (chunk.get(at + i) != 0) {
                    return false;
                }
            }
            position += n;
        }
        return true;
    }

    /** Null if the batch at {@code position} is valid (its header then sits in {@link #chunk}), else why not. */
    private String checkBatch(
            FileChannel ch, long position, long fileSize, long expected, long segmentBase, boolean checkCrc)
            throws IOException {
        if (!ensure(ch, position, BatchHeader.HEADER_SIZE, fileSize)) {
            return "only " + (fileSize - position) + " bytes remain, fewer than a batch header (torn write)";
        }
        int at = (int) (position - chunkStart);
        int length = chunk.getInt(at + BatchHeader.LENGTH_OFFSET);
        if (length < BatchHeader.HEADER_SIZE - BatchHeader.LOG_OVERHEAD) {
            return "batch length field " + length + " is impossible";
        }
        long end = position + BatchHeader.LOG_OVERHEAD + length;
        if (end > fileSize) {
            return "batch declares " + (length + BatchHeader.LOG_OVERHEAD) + " bytes but only " + (fileSize - position)
                    + " remain (torn write)";
        }
        byte magic = chunk.get(at + BatchHeader.MAGIC_OFFSET);
        if (magic != BatchHeader.MAGIC_V2) {
            return "magic byte is " + magic + ", not 2";
        }
        long base = chunk.getLong(at + BatchHeader.BASE_OFFSET_OFFSET);
        int lastDelta = chunk.getInt(at + BatchHeader.LAST_OFFSET_DELTA_OFFSET);
        if (base < expected) {
            return "batch has base offset " + base + " where at least " + expected + " was expected";
        }
        if (lastDelta < 0 || base + lastDelta - segmentBase > Integer.MAX_VALUE) {
            return "last offset delta " + lastDelta + " is impossible";
        }
        if (checkCrc) {
            long stored = Integer.toUnsignedLong(chunk.getInt(at + BatchHeader.CRC_OFFSET));
            long computed = crc(ch, position + BatchHeader.ATTRIBUTES_OFFSET, end, fileSize);
            if (stored != computed) {
                return "CRC mismatch (stored " + stored + ", computed " + computed + ")";
            }
            if (!ensure(ch, position, BatchHeader.HEADER_SIZE, fileSize)) {
                return "batch header unreadable";
            }
        }
        return null;
    }

    /** CRC-32C of file bytes [from, to), streamed through the chunk buffer. */
    private long crc(FileChannel ch, long from, long to, long fileSize) throws IOException {
        CRC32C crc = new CRC32C();
        long position = from;
        while (position < to) {
            int n = (int) Math.min(READ_CHUNK, to - position);
            ensure(ch, position, n, fileSize);
            ByteBuffer view = chunk.duplicate();
            int at = (int) (position - chunkStart);
            view.limit(at + n).position(at);
            crc.update(view);
            position += n;
        }
        return crc.getValue();
    }

    /** Makes file bytes [position, position+n) available in {@link #chunk}; false if past the end. */
    private boolean ensure(FileChannel ch, long position, int n, long fileSize) throws IOException {
        if (position + n > fileSize) {
            return false;
        }
        if (chunk != null && chunkLength > 0 && position >= chunkStart && position + n <= chunkStart + chunkLength) {
            return true;
        }
        if (chunk == null) {
            chunk = ByteBuffer.allocate(READ_CHUNK);
        }
        int toRead = (int) Math.min(READ_CHUNK, fileSize - position);
        chunk.clear().limit(toRead);
        while (chunk.hasRemaining()) {
            if (ch.read(chunk, position + chunk.position()) < 0) {
                chunkLength = 0;
                return false;
            }
        }
        chunkStart = position;
        chunkLength = toRead;
        return true;
    }

    /**
     * Clean-shutdown check of the last segment: headers from the last index entry must chain to the
     * exact end of the file and the last batch's CRC must match. Returns the log end offset, or -1.
     */
    private long checkTail(LogSegment segment) throws IOException {
        FileChannel ch = segment.channel();
        long fileSize = ch.size();
        if (fileSize == 0) {
            return segment.baseOffset();
        }
        chunkLength = 0;
        long position = segment.offsetIndex().lastPosition();
        long lastPosition = -1;
        long lastBase = -1;
        long expected = -1;
        BatchHeader header = BatchHeader.forThread();
        while (position < fileSize) {
            if (!header.load(ch, position, fileSize)
                    || header.sizeInBytes() < BatchHeader.HEADER_SIZE
                    || header.magic() != BatchHeader.MAGIC_V2
                    || (expected >= 0 && header.baseOffset() < expected)) {
                return -1;
            }
            lastBase = header.baseOffset();
            expected = header.lastOffset() + 1;
            lastPosition = position;
            position += header.sizeInBytes();
        }
        if (lastPosition < 0
                || position != fileSize
                || checkBatch(ch, lastPosition, fileSize, lastBase, segment.baseOffset(), true) != null) {
            return -1;
        }
        return expected;
    }

    private long firstBatchMaxTimestamp(LogSegment segment) throws IOException {
        BatchHeader header = BatchHeader.forThread();
        FileChannel ch = segment.channel();
        return header.load(ch, 0, ch.size()) ? header.maxTimestamp() : BatchHeader.NO_TIMESTAMP;
    }

    /** fsyncs what recovery touched so everything present counts as durable. */
    private void finish(Map<Long, LogSegment> segments) throws IOException {
        for (LogSegment s : toSync) {
            s.channel().force(true);
            s.syncIndexes();
            s.markFlushed(s.size());
        }
        if (dirChanged) {
            AtomicFiles.fsyncDirectory(dir);
        }
    }
}
