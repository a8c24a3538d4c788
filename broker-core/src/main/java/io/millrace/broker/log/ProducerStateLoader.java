package io.millrace.broker.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a partition's {@link ProducerStateTable} at startup, and with it the aborted-transaction
 * indexes recovery discarded: loads the newest valid snapshot at or below both the recovered log end
 * and {@code rebuildFrom} (the base of the first segment whose {@link TxnIndex} was reset), deletes
 * snapshots beyond the log end (they describe data lost in the crash) and invalid ones, then
 * replays the batches written after the snapshot: data batches by their headers (nothing is
 * decompressed), transaction markers by their single control record. Every abort marker at or
 * after {@code rebuildFrom} re-adds its entry to its segment's index. Without a usable snapshot the
 * whole log is replayed, so no open transaction is missed. Replayed producers count as active from
 * now on (their last write time is the recovery time). Runs once per partition; not thread-safe.
 */
final class ProducerStateLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateLoader.class);

    private ProducerStateLoader() {}

    /**
     * @param rebuildFrom base offset of the first segment whose aborted-transaction index must be
     *                    rebuilt, or {@link Long#MAX_VALUE} for none
     */
    static ProducerStateTable load(
            Path dir, String tp, NavigableMap<Long, LogSegment> segments, long logEnd, long nowMs, long rebuildFrom)
            throws IOException {
        ProducerStateTable table = new ProducerStateTable();
        long replayFrom = -1;
        long usable = Math.min(logEnd, rebuildFrom);
        List<Long> offsets = ProducerStateSnapshot.list(dir);
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            Path file = ProducerStateSnapshot.file(dir, offset);
            if (offset > logEnd) {
                LOG.info(
                        "{}: deleting producer-state snapshot {} because it lies beyond the recovered log end {}",
                        tp,
                        file,
                        logEnd);
                Files.deleteIfExists(file);
                continue;
            }
            if (replayFrom >= 0 || offset > usable) {
                continue;
            }
            try {
                ProducerStateSnapshot.read(Files.readAllBytes(file), offset, table);
                replayFrom = offset;
            } catch (IllegalArgumentException e) {
                LOG.warn(
                        "{}: producer-state snapshot {} is unusable ({}); deleting it and falling back to an older"
                                + " snapshot or to replaying the log",
                        tp,
                        file,
                        e.getMessage());
                Files.deleteIfExists(file);
                table = new ProducerStateTable();
            }
        }
        if (replayFrom < 0) {
            replayFrom = segments.firstKey();
        }
        int rebuilt = replay(segments, table, replayFrom, logEnd, nowMs, rebuildFrom);
        table.onDurable(logEnd); // recovery made everything present durable
        if (rebuilt > 0) {
            LOG.info(
                    "{}: rebuilt the aborted-transaction indexes from offset {} ({} aborted transactions)",
                    tp,
                    rebuildFrom,
                    rebuilt);
        }
        return table;
    }

    /** Replays [from, logEnd); returns how many aborted transactions were re-indexed. */
    private static int replay(
            NavigableMap<Long, LogSegment> segments,
            ProducerStateTable table,
            long from,
            long logEnd,
            long nowMs,
            long rebuildFrom)
            throws IOException {
        if (from >= logEnd) {
            return 0;
        }
        int rebuilt = 0;
        Long first = segments.floorKey(from);
        BatchHeader header = BatchHeader.forThread();
        for (Map.Entry<Long, LogSegment> e : (first == null ? segments : segments.tailMap(first, true)).entrySet()) {
            LogSegment segment = e.getValue();
            long limit = segment.size();
            long position = segment.locate(header, from, limit);
            while (position >= 0 && header.load(segment.channel(), position, limit)) {
                long producerId = header.producerId();
                int size = header.sizeInBytes();
                if (producerId >= 0 && header.baseOffset() >= from) {
                    if (header.isControl()) {
                        if (replayMarker(segment, header, position, size, table, nowMs, rebuildFrom)) {
                            rebuilt++;
                        }
                        header.reset();
                    } else {
                        int firstSeq = header.baseSequence();
                        table.update(
                                producerId,
                                header.producerEpoch(),
                                firstSeq,
                                BatchHeader.lastSequence(firstSeq, header.lastOffsetDelta()),
                                header.baseOffset(),
                                header.lastOffset(),
                                header.maxTimestamp(),
                                nowMs,
                                header.isTransactional());
                    }
                }
                position += size;
            }
        }
        return rebuilt;
    }

    /** Applies one control batch; true when it re-added an aborted transaction to its segment's index. */
    private static boolean replayMarker(
            LogSegment segment,
            BatchHeader header,
            long position,
            int size,
            ProducerStateTable table,
            long nowMs,
            long rebuildFrom)
            throws IOException {
        long producerId = header.producerId();
        short epoch = header.producerEpoch();
        long offset = header.baseOffset();
        long timestamp = header.maxTimestamp();
        TxnMarker marker = TxnMarker.read(segment.channel(), position, size);
        if (marker == null) {
            return false;
        }
        AbortedTxn aborted = table.completeTxn(
                producerId, epoch, marker.coordinatorEpoch(), marker.commit(), offset, timestamp, nowMs);
        if (aborted != null && offset >= rebuildFrom) {
            segment.txnIndex().append(aborted);
            return true;
        }
        return false;
    }
}
