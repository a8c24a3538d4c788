package io.millrace.broker.log;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which of a partition's oldest segments retention removes, as Kafka does (the time and
 * size rules only when cleanup.policy includes "delete"; a purely compacted log keeps its
 * segments and is shrunk by the {@link LogCleaner} instead):
 * <ol>
 *   <li>time: the segment's largest timestamp (its file's mtime when no batch has one) is more
 *       than retention.ms old (-1 = keep forever);</li>
 *   <li>size: while the partition minus the oldest segment is still at least retention.bytes
 *       (-1 = no limit);</li>
 *   <li>log start: the segment lies entirely below the log start offset (DeleteRecords).</li>
 * </ol>
 * Each rule removes a prefix of the remaining segments and stops at the first segment it keeps.
 * A segment is never removed unless everything up to its end is durable, and an empty active
 * segment is never removed. When every segment goes, the caller rolls first so that the log
 * keeps an (empty) active segment at the log end. Stateless.
 */
final class SegmentRetention {

    private SegmentRetention() {}

    /** A segment to delete and why, for the operator's log. */
    record Deletion(LogSegment segment, String reason) {}

    /**
     * @param segments all segments, oldest first (the last is the active one)
     */
    static List<Deletion> select(
            List<LogSegment> segments,
            LogConfig config,
            long nowMs,
            long durableOffset,
            long logEndOffset,
            long logStartOffset)
            throws IOException {
        List<Deletion> out = new ArrayList<>();
        int i = 0;
        long retentionMs = config.delete() ? config.retentionMs() : -1;
        if (retentionMs >= 0) {
            for (; i < segments.size() && deletable(segments, i, durableOffset, logEndOffset); i++) {
                long ts = segments.get(i).retentionTimestamp();
                if (nowMs - ts <= retentionMs) {
                    break;
                }
                out.add(new Deletion(
                        segments.get(i),
                        LogConfig.RETENTION_MS + "=" + retentionMs + " exceeded: newest record time "
                                + Instant.ofEpochMilli(ts) + " is " + (nowMs - ts) + " ms old"));
            }
        }
        long retentionBytes = config.delete() ? config.retentionBytes() : -1;
        if (retentionBytes >= 0) {
            long total = 0;
            for (LogSegment s : segments) {
                total += s.size();
            }
            for (Deletion d : out) {
                total -= d.segment().size();
            }
            for (; i < segments.size() && deletable(segments, i, durableOffset, logEndOffset); i++) {
                int size = segments.get(i).size();
                if (total - size < retentionBytes) {
                    break;
                }
                out.add(new Deletion(
                        segments.get(i),
                        LogConfig.RETENTION_BYTES + "=" + retentionBytes + " exceeded: partition holds " + total
                                + " bytes"));
                total -= size;
            }
        }
        belowLogStart(segments, i, durableOffset, logEndOffset, logStartOffset, out);
        return out;
    }

    /** Only the log-start rule (after DeleteRecords moved the log start offset). */
    static List<Deletion> selectBelowLogStart(
            List<LogSegment> segments, long durableOffset, long logEndOffset, long logStartOffset) {
        List<Deletion> out = new ArrayList<>();
        belowLogStart(segments, 0, durableOffset, logEndOffset, logStartOffset, out);
        return out;
    }

    private static void belowLogStart(
            List<LogSegment> segments,
            int from,
            long durableOffset,
            long logEndOffset,
            long logStartOffset,
            List<Deletion> out) {
        for (int i = from; i + 1 < segments.size() && deletable(segments, i, durableOffset, logEndOffset); i++) {
            if (segments.get(i + 1).baseOffset() > logStartOffset) {
                break;
            }
            out.add(new Deletion(segments.get(i), "entirely below the log start offset " + logStartOffset));
        }
    }

    private static boolean deletable(List<LogSegment> segments, int i, long durableOffset, long logEndOffset) {
        boolean last = i == segments.size() - 1;
        if (last && segments.get(i).size() == 0) {
            return false;
        }
        long upperBound = last ? logEndOffset : segments.get(i + 1).baseOffset();
        return durableOffset >= upperBound;
    }
}
