package io.millrace.broker.log;

import io.millrace.broker.log.DurabilityTracker.DurablePoint;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.protocol.Errors;

/**
 * The read side of one partition's log: fetches (a slice of one segment, bounded by the durable
 * offset or, for read_committed, the last stable offset, with the aborted transactions it
 * overlaps), searches by timestamp, and the aborted transactions the cleaner drops.
 *
 * <p>Files: reads the segments' log files and their offset, time and aborted-transaction indexes;
 * writes nothing.
 *
 * <p>Thread-safety: lock-free. Every read works on the published durable point
 * ({@link DurabilityTracker}), the published first unstable offset ({@link TransactionState}) and
 * one immutable snapshot of the segment map ({@link SegmentList}), so it sees the segments before
 * or after a roll, retention or swap, never a mix. A segment removed meanwhile stays readable
 * (its files reopened under their new names) until its delayed deletion, so a slice handed out
 * stays readable. An I/O error on a live
 * segment takes the partition offline.
 */
final class LogReader {

    /** A search in the segments that may fail with an I/O error. */
    @FunctionalInterface
    private interface Search<T> {
        T run() throws IOException;
    }

    private final PartitionContext partition;
    private final SegmentList segments;
    private final TransactionState txns;

    LogReader(PartitionContext partition, TransactionState txns) {
        this.partition = partition;
        this.segments = partition.segments();
        this.txns = txns;
    }

    /** See {@link PartitionLog#read(long, int, boolean, boolean)}. */
    LogReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch, boolean readCommitted) {
        DurablePoint durable = partition.durability().point();
        long start = segments.logStartOffset();
        long end = segments.logEndOffset();
        long lso = txns.lastStableOffset(durable.offset(), start);
        List<AbortedTxn> none = readCommitted ? List.of() : null;
        if (partition.log().isOffline()) {
            return new LogReadResult(
                    Errors.KAFKA_STORAGE_ERROR, segments.emptySlice(), durable.offset(), lso, start, end, none);
        }
        if (fetchOffset < start || fetchOffset > end) {
            return new LogReadResult(
                    Errors.OFFSET_OUT_OF_RANGE, segments.emptySlice(), durable.offset(), lso, start, end, none);
        }
        long bound = readCommitted ? lso : durable.offset();
        if (fetchOffset >= bound) {
            return new LogReadResult(Errors.NONE, segments.emptySlice(), durable.offset(), lso, start, end, none);
        }
        SegmentList.Slice slice;
        List<AbortedTxn> aborted = none;
        try {
            DurablePoint limit = readCommitted ? segments.boundAt(lso, durable) : durable;
            slice = segments.slice(fetchOffset, maxBytes, minOneBatch, limit);
            if (slice != null && readCommitted) {
                aborted = segments.abortedTransactions(fetchOffset, Math.min(lso, segments.upperBoundOf(slice)));
            }
        } catch (SegmentList.SegmentReadException e) {
            partition.log().goOffline("reading", e.file(), e.getCause());
            return new LogReadResult(
                    Errors.KAFKA_STORAGE_ERROR, segments.emptySlice(), durable.offset(), lso, start, end, none);
        } catch (IOException e) {
            partition.log().goOffline("reading", partition.dir(), e);
            return new LogReadResult(
                    Errors.KAFKA_STORAGE_ERROR, segments.emptySlice(), durable.offset(), lso, start, end, none);
        }
        if (slice != null) {
            return new LogReadResult(Errors.NONE, slice.records(), durable.offset(), lso, start, end, aborted);
        }
        // The segment was removed by retention while we looked: the offset is below the log start now.
        long newStart = segments.logStartOffset();
        Errors error = fetchOffset < newStart ? Errors.OFFSET_OUT_OF_RANGE : Errors.NONE;
        return new LogReadResult(
                error, segments.emptySlice(), durable.offset(), lso, newStart, segments.logEndOffset(), none);
    }

    /** See {@link PartitionLog#offsetForTimestamp}. */
    Optional<TimestampOffset> offsetForTimestamp(long timestamp) {
        return search(
                "searching by timestamp",
                () -> TimestampLookup.offsetForTimestamp(
                        segments.map(), partition.durability().point(), segments.logStartOffset(), timestamp));
    }

    /** See {@link PartitionLog#maxTimestampOffset}. */
    Optional<TimestampOffset> maxTimestampOffset() {
        return search(
                "searching for the largest timestamp",
                () -> TimestampLookup.maxTimestamp(
                        segments.map(), partition.durability().point(), segments.logStartOffset()));
    }

    /** See {@link PartitionLog#abortedTransactions}. */
    List<AbortedTxn> abortedTransactions(long from, long upperBound) {
        return search("reading aborted-transaction indexes", () -> segments.abortedTransactions(from, upperBound));
    }

    /** Runs a search of the online partition; an I/O error takes it offline and is thrown as KafkaStorageException. */
    private <T> T search(String action, Search<T> search) {
        partition.log().checkOnline();
        try {
            return search.run();
        } catch (IOException e) {
            throw partition.log().storageFailure(action, e);
        }
    }
}
