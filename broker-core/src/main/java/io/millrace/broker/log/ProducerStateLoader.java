package io.millrace.broker.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a partition's {@link ProducerStateTable} at startup: loads the newest valid snapshot
 * at or below the recovered log end, deletes snapshots beyond it (they describe data lost in
 * the crash) and invalid ones, then replays the batch headers written after the snapshot (header
 * scan only, nothing is decompressed). Without any snapshot it replays the last two segments,
 * as Kafka does, instead of the whole log. Replayed producers count as active from now on
 * (their last write time is the recovery time). Runs once per partition; not thread-safe.
 */
final class ProducerStateLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateLoader.class);

    private ProducerStateLoader() {
    }

    static ProducerStateTable load(Path dir, String tp, NavigableMap<Long, LogSegment> segments, long logEnd,
                                   long nowMs) throws IOException {
        ProducerStateTable table = new ProducerStateTable();
        long replayFrom = -1;
        List<Long> offsets = ProducerStateSnapshot.list(dir);
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            Path file = ProducerStateSnapshot.file(dir, offset);
            if (offset > logEnd) {
                LOG.info("{}: deleting producer-state snapshot {} because it lies beyond the recovered log end {}",
                    tp, file, logEnd);
                Files.deleteIfExists(file);
                continue;
            }
            if (replayFrom >= 0) {
                continue;
            }
            try {
                ProducerStateSnapshot.read(Files.readAllBytes(file), offset, table);
                replayFrom = offset;
            } catch (IllegalArgumentException e) {
                LOG.warn("{}: producer-state snapshot {} is unusable ({}); deleting it and falling back to an older"
                    + " snapshot or to replaying the log", tp, file, e.getMessage());
                Files.deleteIfExists(file);
                table = new ProducerStateTable();
            }
        }
        if (replayFrom < 0) {
            Long secondLast = segments.lowerKey(segments.lastKey());
            replayFrom = secondLast != null ? secondLast : segments.firstKey();
        }
        replay(segments, table, replayFrom, logEnd, nowMs);
        return table;
    }

    private static void replay(NavigableMap<Long, LogSegment> segments, ProducerStateTable table, long from,
                               long logEnd, long nowMs) throws IOException {
        if (from >= logEnd) {
            return;
        }
        Long first = segments.floorKey(from);
        BatchHeader header = BatchHeader.forThread();
        for (LogSegment segment : (first == null ? segments : segments.tailMap(first, true)).values()) {
            long limit = segment.size();
            long position = segment.locate(header, from, limit);
            while (position >= 0 && header.load(segment.channel(), position, limit)) {
                long producerId = header.producerId();
                if (producerId >= 0 && !header.isControl() && header.baseOffset() >= from) {
                    int firstSeq = header.baseSequence();
                    table.update(producerId, header.producerEpoch(), firstSeq,
                        BatchHeader.lastSequence(firstSeq, header.lastOffsetDelta()), header.baseOffset(),
                        header.lastOffset(), header.maxTimestamp(), nowMs);
                }
                position += header.sizeInBytes();
            }
        }
    }
}
