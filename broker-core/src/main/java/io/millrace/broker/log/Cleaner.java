package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import io.millrace.broker.common.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cleaner thread's worker: compacts one log per {@link #clean} call (Kafka's Cleaner).
 *
 * <ol>
 *   <li>Offset map: the keys of the cleanable dirty section (records of aborted transactions
 *       excepted, {@link CleanedTxns}) {@code [firstDirty, firstUncleanable)}
 *       are mapped to their latest offsets ({@link OffsetMap}, sized from the batch headers' record
 *       counts, bounded by this thread's share of log.cleaner.dedupe.buffer.size). If the map fills
 *       up, mapping stops there and the pass cleans only up to that offset; the next pass continues.</li>
 *   <li>Groups: every segment below the end of the mapped range (clean section included, so
 *       earlier values of newly written keys go too) is grouped with its successors while the group
 *       stays within segment.bytes, the index size and a 32-bit offset range, so compacted segments
 *       do not shrink forever. The active segment is never part of a group.</li>
 *   <li>Each group is filtered ({@link CompactionFilter}) into one new {@code .cleaned} segment,
 *       read and written through two I/O buffers, fsynced with its indexes, renamed {@code .swap}
 *       and swapped in by {@link PartitionLog#replaceSegments}. Offsets never change. Aborted
 *       transactions' data goes, and their markers once nothing of them is left; the cleaned
 *       segment's aborted-transaction index holds the entries of the abort markers it keeps
 *       while their data is still being removed.</li>
 * </ol>
 * The pass stops early ({@link AbortedException}) when the broker shuts down, the log is deleted
 * or goes offline, or retention removed a segment of the group meanwhile.
 *
 * <p>Memory: the offset map and two I/O buffers (grown temporarily for a larger batch). Not
 * thread-safe: one instance per cleaner thread.
 */
final class Cleaner {

    private static final Logger LOG = LoggerFactory.getLogger(Cleaner.class);

    private final int id;
    private final OffsetMap map;
    private final int ioBufferSize;
    private final SegmentChannels channels;
    private final Clock clock;
    private final BooleanSupplier stopping;
    private final BufferSupplier decompression = BufferSupplier.create();
    private ByteBuffer readBuffer;
    private ByteBuffer writeBuffer;
    private SwapObserver observer = SwapObserver.NONE;

    Cleaner(int id, CleanerConfig config, SegmentChannels channels, Clock clock, BooleanSupplier stopping) {
        this.id = id;
        this.map = new OffsetMap(config.dedupeBytesPerThread());
        this.ioBufferSize = config.ioBufferPerThread();
        this.channels = channels;
        this.clock = clock;
        this.stopping = stopping;
        this.readBuffer = ByteBuffer.allocate(ioBufferSize);
        this.writeBuffer = ByteBuffer.allocate(ioBufferSize);
    }

    int id() {
        return id;
    }

    /** Tests observe the swap steps to simulate crashes. */
    void setSwapObserver(SwapObserver observer) {
        this.observer = observer;
    }

    OffsetMap offsetMap() {
        return map;
    }

    /** The pass was abandoned; nothing it had not yet swapped in took effect. */
    static final class AbortedException extends Exception {
        AbortedException(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Cleans the log up to as far as the offset map reaches.
     *
     * @return what was done; {@code endOffset} is the new first dirty offset
     * @throws AbortedException when the pass had to stop early (see the class comment)
     * @throws IOException on an I/O error or a corrupt batch in the log
     */
    CleanerStats clean(LogToClean cleanable) throws IOException, AbortedException {
        PartitionLog log = cleanable.log();
        LogConfig config = log.config();
        long now = clock.milliseconds();
        CleanerStats stats = new CleanerStats(clock.nanoseconds(), cleanable.firstDirtyOffset());
        NavigableMap<Long, LogSegment> segments = log.segmentMap();
        long roundEnd = cleanable.firstUncleanableOffset();
        long endOffset = buildOffsetMap(log, segments, cleanable.firstDirtyOffset(), roundEnd);
        stats.mapKeys = map.size();
        stats.mapUtilization = map.utilization();
        Map<Long, CompactionFilter.ProducerTail> producers = log.producerTails();
        CleanedTxns txns = new CleanedTxns();
        for (List<LogSegment> group : group(segments, endOffset, roundEnd, config)) {
            CompactionFilter filter =
                    new CompactionFilter(now, config.deleteRetentionMs(), map, producers, txns, roundEnd);
            cleanGroup(log, group, filter, txns, config, stats);
        }
        stats.endOffset = endOffset;
        stats.finish(clock.nanoseconds());
        return stats;
    }

    // ---- offset map ----

    /** Maps the dirty section's keys; returns the offset after the last one mapped. */
    private long buildOffsetMap(PartitionLog log, NavigableMap<Long, LogSegment> segments, long start, long end)
            throws IOException, AbortedException {
        List<LogSegment> dirty = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (LogSegment s : segments.values()) {
            Long next = segments.higherKey(s.baseOffset());
            if (next != null && s.baseOffset() < end && next > start) {
                dirty.add(s);
                ends.add(Math.min(next, end));
            }
        }
        long records = 0;
        for (LogSegment s : dirty) {
            records += countRecords(s, start);
        }
        map.reset(records);
        map.updateLatestOffset(start - 1);
        CleanedTxns txns = new CleanedTxns();
        txns.addAborted(log.abortedTransactions(start, end));
        for (int i = 0; i < dirty.size(); i++) {
            if (mapSegment(log, dirty.get(i), start, ends.get(i), txns)) {
                LOG.debug("{}: offset map full after {} keys at offset {}", log, map.size(), map.latestOffset());
                break;
            }
        }
        return map.latestOffset() + 1;
    }

    /** Records in data batches of the segment ending at or after {@code from} (header scan). */
    private static long countRecords(LogSegment segment, long from) throws IOException {
        BatchHeader header = BatchHeader.forThread();
        long limit = segment.size();
        long position = segment.offsetIndex().lookup(from);
        long count = 0;
        while (header.load(segment.channel(), position, limit) && header.sizeInBytes() >= BatchHeader.HEADER_SIZE) {
            if (header.lastOffset() >= from && !header.isControl()) {
                count += Math.max(0, header.recordCount());
            }
            position += header.sizeInBytes();
        }
        return count;
    }

    /**
     * Adds the segment's keys at or after {@code start}, except those of aborted transactions (they
     * must not hide the committed value of their key); true when the map filled up.
     */
    private boolean mapSegment(PartitionLog log, LogSegment segment, long start, long segmentEnd, CleanedTxns txns)
            throws IOException, AbortedException {
        long position = segment.offsetIndex().lookup(start);
        long limit = segment.size();
        while (position < limit) {
            checkNotStopping(log);
            MemoryRecords records = read(segment, position, limit);
            int consumed = 0;
            for (MutableRecordBatch batch : records.batches()) {
                boolean mapped = batch.lastOffset() >= start;
                if (mapped && batch.isControlBatch()) {
                    txns.onControlBatch(batch);
                    mapped = false;
                } else if (mapped && txns.onDataBatch(batch)) {
                    mapped = false; // aborted
                }
                if (mapped) {
                    try (CloseableIterator<Record> it = batch.streamingIterator(decompression)) {
                        while (it.hasNext()) {
                            Record r = it.next();
                            if (r.hasKey() && r.offset() >= start && !map.put(r.key(), r.offset())) {
                                map.updateLatestOffset(r.offset() - 1);
                                return true;
                            }
                        }
                    }
                }
                map.updateLatestOffset(batch.lastOffset());
                consumed += batch.sizeInBytes();
            }
            if (consumed == 0) {
                growBuffers(segment, position, limit);
            }
            position += consumed;
        }
        map.updateLatestOffset(segmentEnd - 1);
        restoreBuffers();
        return false;
    }

    // ---- grouping ----

    /** Groups of consecutive segments below {@code endOffset} to clean into one segment each. */
    static List<List<LogSegment>> group(
            NavigableMap<Long, LogSegment> segments, long endOffset, long firstUncleanable, LogConfig config)
            throws IOException {
        List<LogSegment> candidates =
                new ArrayList<>(segments.headMap(endOffset, false).values());
        if (!candidates.isEmpty()
                && candidates.get(candidates.size() - 1) == segments.lastEntry().getValue()) {
            candidates.remove(candidates.size() - 1);
        }
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < candidates.size()) {
            List<LogSegment> group = new ArrayList<>();
            LogSegment first = candidates.get(i);
            group.add(first);
            long bytes = first.size();
            long offsetIndexBytes = indexBytes(first.offsetIndex());
            long timeIndexBytes = indexBytes(first.timeIndex());
            i++;
            while (i < candidates.size()) {
                LogSegment s = candidates.get(i);
                long end = i + 1 < candidates.size() ? candidates.get(i + 1).baseOffset() : firstUncleanable;
                long lastOffset = end - 1;
                if (bytes + s.size() > config.segmentBytes()
                        || offsetIndexBytes + indexBytes(s.offsetIndex()) > config.segmentIndexBytes()
                        || timeIndexBytes + indexBytes(s.timeIndex()) > config.segmentIndexBytes()
                        || (s.size() > 0 && lastOffset - first.baseOffset() > Integer.MAX_VALUE)) {
                    break;
                }
                group.add(s);
                bytes += s.size();
                offsetIndexBytes += indexBytes(s.offsetIndex());
                timeIndexBytes += indexBytes(s.timeIndex());
                i++;
            }
            groups.add(group);
        }
        return groups;
    }

    private static long indexBytes(SparseIndex index) throws IOException {
        return (long) index.entries() * index.entrySize();
    }

    // ---- rewriting ----

    private void cleanGroup(
            PartitionLog log,
            List<LogSegment> group,
            CompactionFilter filter,
            CleanedTxns txns,
            LogConfig config,
            CleanerStats stats)
            throws IOException, AbortedException {
        LogSegment cleaned = LogSegment.createCleaned(log.dir(), group.get(0).baseOffset(), config, channels);
        boolean handedOver = false;
        txns.writeKeptEntriesTo(cleaned.txnIndex());
        try {
            NavigableMap<Long, LogSegment> all = log.segmentMap();
            for (LogSegment source : group) {
                Long next = all.higherKey(source.baseOffset());
                txns.addAborted(log.abortedTransactions(source.baseOffset(), next != null ? next : log.logEndOffset()));
                cleanInto(log, source, cleaned, filter, config, stats);
            }
            cleaned.onBecomeInactive();
            cleaned.channel().force(true);
            cleaned.syncIndexes();
            cleaned.markFlushed(cleaned.size());
            keepModificationTime(group.get(group.size() - 1), cleaned);
            observer.reached(SwapObserver.Step.CLEANED_WRITTEN);
            cleaned.changeSuffix(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX);
            AtomicFiles.fsyncDirectory(log.dir());
            observer.reached(SwapObserver.Step.SWAP_RENAMED);
            handedOver = true;
            if (!log.replaceSegments(group, cleaned, observer)) {
                handedOver = false;
                throw new AbortedException("the log changed while it was being cleaned (retention removed a segment,"
                        + " or the partition was deleted or closed)");
            }
            stats.addGroup(group, cleaned, filter);
        } catch (IOException | RuntimeException e) {
            if (!log.isUsable()) {
                throw new AbortedException("the partition was deleted, closed or taken offline: " + e);
            }
            throw e;
        } finally {
            if (!handedOver) {
                discard(cleaned);
            }
        }
    }

    /** Filters one source segment into the cleaned one, an I/O buffer at a time. */
    private void cleanInto(
            PartitionLog log,
            LogSegment source,
            LogSegment cleaned,
            CompactionFilter filter,
            LogConfig config,
            CleanerStats stats)
            throws IOException, AbortedException {
        long position = 0;
        long limit = source.size();
        while (position < limit) {
            checkNotStopping(log);
            MemoryRecords records = read(source, position, limit);
            writeBuffer.clear();
            MemoryRecords.FilterResult result;
            try {
                result = records.filterTo(filter, writeBuffer, decompression, Records.SOFT_MAX_ARRAY_LENGTH);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause(); // writing the cleaned segment's aborted-transaction index failed
            }
            stats.add(result);
            ByteBuffer out = result.outputBuffer();
            out.flip();
            if (out.hasRemaining()) {
                noteDeleteHorizons(out, filter.currentTime, stats);
                cleaned.appendBatches(out, config.indexIntervalBytes());
            }
            if (result.bytesRead() == 0) {
                growBuffers(source, position, limit);
            }
            position += result.bytesRead();
        }
        restoreBuffers();
    }

    /** Reads file bytes from {@code position} into the read buffer, as many whole batches as fit. */
    private MemoryRecords read(LogSegment segment, long position, long limit) throws IOException {
        readBuffer.clear();
        readBuffer.limit((int) Math.min(readBuffer.capacity(), limit - position));
        FileChannel ch = segment.channel();
        while (readBuffer.hasRemaining()) {
            if (ch.read(readBuffer, position + readBuffer.position()) < 0) {
                throw new IOException("Unexpected end of " + segment.logFile() + " at " + position);
            }
        }
        readBuffer.flip();
        return MemoryRecords.readableRecords(readBuffer);
    }

    /** The batch at {@code position} did not fit: grow both buffers to its size. */
    private void growBuffers(LogSegment segment, long position, long limit) throws IOException {
        BatchHeader header = BatchHeader.forThread();
        if (!header.load(segment.channel(), position, limit)
                || header.sizeInBytes() < BatchHeader.HEADER_SIZE
                || position + header.sizeInBytes() > limit) {
            throw new IOException("Segment " + segment.logFile() + " holds no valid batch at byte " + position
                    + "; it may be corrupt (recovery checks it at the next restart)");
        }
        int size = header.sizeInBytes();
        LOG.debug("Cleaner {}: growing I/O buffers to {} bytes for a batch in {}", id, size, segment.logFile());
        readBuffer = ByteBuffer.allocate(size);
        writeBuffer = ByteBuffer.allocate(size);
    }

    private void restoreBuffers() {
        if (readBuffer.capacity() > ioBufferSize) {
            readBuffer = ByteBuffer.allocate(ioBufferSize);
            writeBuffer = ByteBuffer.allocate(ioBufferSize);
        }
    }

    /**
     * Notes the earliest delete horizon not yet behind this pass ({@code nowMs}) among the batches
     * written: a later pass is due then, to remove the tombstones and markers it guards. A horizon
     * already passed is left out: whatever the pass kept under it stayed for another reason (a
     * rewritten batch keeps its horizon after its tombstone went; a producer's newest batch stays)
     * that time alone does not change, and counting it made the cleaner pick the log again and
     * again without removing anything.
     */
    private static void noteDeleteHorizons(ByteBuffer batches, long nowMs, CleanerStats stats) {
        int at = batches.position();
        while (at + BatchHeader.HEADER_SIZE <= batches.limit()) {
            if ((BatchHeader.attributes(batches, at) & BatchHeader.DELETE_HORIZON_FLAG_MASK) != 0
                    && BatchHeader.baseTimestamp(batches, at) >= nowMs) {
                stats.earliestDeleteHorizonMs =
                        Math.min(stats.earliestDeleteHorizonMs, BatchHeader.baseTimestamp(batches, at));
            }
            at += BatchHeader.length(batches, at) + BatchHeader.LOG_OVERHEAD;
        }
    }

    /** Time retention of a segment without timestamps falls back to its file's mtime: keep the old one's. */
    private static void keepModificationTime(LogSegment old, LogSegment cleaned) throws IOException {
        try {
            cleaned.setLastModifiedMs(old.lastModifiedMs());
        } catch (NoSuchFileException e) {
            // The old segment was removed meanwhile; the swap will notice and abandon the pass.
        }
    }

    private void checkNotStopping(PartitionLog log) throws AbortedException {
        if (stopping.getAsBoolean()) {
            throw new AbortedException("the broker is shutting down");
        }
        if (!log.isUsable()) {
            throw new AbortedException("the partition was deleted, closed or taken offline");
        }
    }

    private static void discard(LogSegment cleaned) {
        try {
            cleaned.closeAndDelete();
        } catch (IOException e) {
            LOG.warn(
                    "Could not delete the unused cleaned segment {} ({}); it is removed at the next startup",
                    cleaned.logFile(),
                    e.toString());
        }
    }
}
