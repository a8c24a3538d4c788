package io.millrace.broker.log;

import io.millrace.broker.log.DurabilityTracker.DurablePoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * Timestamp searches for ListOffsets, over the durable part of a partition
 * ({@code [logStartOffset, durableOffset)}).
 *
 * <p>Segments are skipped by their largest timestamp, the time index narrows the start inside a
 * segment, batch headers are scanned to the first batch whose max timestamp reaches the target,
 * and only that batch is decompressed to find the exact record. Not a hot path: one batch is
 * read into a heap buffer per answer. Stateless; safe to call concurrently with appends.
 */
final class TimestampLookup {

    private TimestampLookup() {}

    /** First record (by offset) whose timestamp is at least {@code target}. */
    static Optional<TimestampOffset> offsetForTimestamp(
            NavigableMap<Long, LogSegment> segments, DurablePoint durable, long logStart, long target)
            throws IOException {
        for (Readable readable : readable(segments, durable, logStart)) {
            LogSegment segment = readable.segment();
            long limit = readable.limit();
            if (segment.maxTimestamp() < target) {
                continue;
            }
            long from = Math.max(logStart, segment.baseOffset());
            long start = Math.max(from, segment.timeIndex().lookup(target));
            BatchHeader header = BatchHeader.forThread();
            long position = segment.locate(header, start, limit);
            while (position >= 0 && header.load(segment.channel(), position, limit)) {
                int size = header.sizeInBytes();
                if (header.lastOffset() >= from && header.maxTimestamp() >= target) {
                    Optional<TimestampOffset> found =
                            firstRecordAtOrAfter(segment, position, size, from, durable.offset(), target);
                    if (found.isPresent()) {
                        return found;
                    }
                }
                position += size;
            }
        }
        return Optional.empty();
    }

    /** The record with the largest timestamp, the earliest one on ties; empty if none has a timestamp. */
    static Optional<TimestampOffset> maxTimestamp(
            NavigableMap<Long, LogSegment> segments, DurablePoint durable, long logStart) throws IOException {
        LogSegment bestSegment = null;
        long bestTs = BatchHeader.NO_TIMESTAMP;
        long bestBatch = -1;
        for (Readable readable : readable(segments, durable, logStart)) {
            LogSegment segment = readable.segment();
            long limit = readable.limit();
            long segmentMax = segment.maxTimestamp();
            long batchOffset = segment.maxTimestampBatchOffset();
            if (segmentMax <= bestTs) {
                continue;
            }
            if (batchOffset < logStart || batchOffset >= durable.offset()) {
                long[] scanned = scanMax(segment, Math.max(logStart, segment.baseOffset()), limit, durable.offset());
                segmentMax = scanned[0];
                batchOffset = scanned[1];
            }
            if (segmentMax > bestTs) {
                bestTs = segmentMax;
                bestBatch = batchOffset;
                bestSegment = segment;
            }
        }
        if (bestSegment == null) {
            return Optional.empty();
        }
        BatchHeader header = BatchHeader.forThread();
        long limit = durableLimit(bestSegment, durable);
        long position = bestSegment.locate(header, bestBatch, limit);
        if (position < 0) {
            return Optional.empty();
        }
        return largestRecord(bestSegment, position, header.sizeInBytes(), logStart, durable.offset());
    }

    /** A segment with durable bytes, and how many. */
    private record Readable(LogSegment segment, long limit) {}

    /**
     * The segments holding durable bytes, from the one holding the log start offset on, with their
     * durable byte counts.
     */
    private static List<Readable> readable(
            NavigableMap<Long, LogSegment> segments, DurablePoint durable, long logStart) {
        Long first = segments.floorKey(logStart);
        List<Readable> out = new ArrayList<>();
        for (LogSegment segment : (first == null ? segments : segments.tailMap(first, true)).values()) {
            if (beyondDurable(segment, durable)) {
                break;
            }
            long limit = durableLimit(segment, durable);
            if (limit > 0) {
                out.add(new Readable(segment, limit));
            }
        }
        return out;
    }

    /** Whether the segment starts after the one holding the durable point (none of it is readable). */
    static boolean beyondDurable(LogSegment segment, DurablePoint durable) {
        return segment.baseOffset() > durable.segmentBase();
    }

    /** Durable bytes of a segment given the published durable point. */
    static long durableLimit(LogSegment segment, DurablePoint durable) {
        if (segment.baseOffset() < durable.segmentBase()) {
            return segment.size();
        }
        return segment.baseOffset() == durable.segmentBase() ? durable.position() : 0;
    }

    /**
     * {max timestamp, base offset of the first batch reaching it} among records at or after
     * {@code from}; a batch that straddles {@code from} is judged by its eligible records only.
     */
    private static long[] scanMax(LogSegment segment, long from, long limit, long durableOffset) throws IOException {
        BatchHeader header = BatchHeader.forThread();
        long position = segment.locate(header, from, limit);
        long max = BatchHeader.NO_TIMESTAMP;
        long batch = -1;
        while (position >= 0 && header.load(segment.channel(), position, limit)) {
            long batchMax = header.maxTimestamp();
            long base = header.baseOffset();
            int size = header.sizeInBytes();
            if (base < from && batchMax > max) {
                batchMax = largestRecord(segment, position, size, from, durableOffset)
                        .map(TimestampOffset::timestamp)
                        .orElse(BatchHeader.NO_TIMESTAMP);
                header.reset();
            }
            if (batchMax > max) {
                max = batchMax;
                batch = base;
            }
            position += size;
        }
        return new long[] {max, batch};
    }

    private static Optional<TimestampOffset> firstRecordAtOrAfter(
            LogSegment segment, long position, int size, long from, long durableOffset, long target)
            throws IOException {
        for (Iterator<Record> it = records(segment, position, size); it.hasNext(); ) {
            Record r = it.next();
            if (r.offset() >= from && r.offset() < durableOffset && r.timestamp() >= target) {
                return Optional.of(new TimestampOffset(r.timestamp(), r.offset()));
            }
        }
        return Optional.empty();
    }

    private static Optional<TimestampOffset> largestRecord(
            LogSegment segment, long position, int size, long from, long durableOffset) throws IOException {
        TimestampOffset best = null;
        for (Iterator<Record> it = records(segment, position, size); it.hasNext(); ) {
            Record r = it.next();
            if (r.offset() >= from
                    && r.offset() < durableOffset
                    && (best == null || r.timestamp() > best.timestamp())) {
                best = new TimestampOffset(r.timestamp(), r.offset());
            }
        }
        return Optional.ofNullable(best);
    }

    private static Iterator<Record> records(LogSegment segment, long position, int size) throws IOException {
        ByteBuffer bytes = segment.readBytes(position, size);
        MutableRecordBatch batch =
                MemoryRecords.readableRecords(bytes).batches().iterator().next();
        return batch.iterator();
    }
}
