package io.millrace.broker.log;

import io.millrace.broker.log.TransactionState.ProducerBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;

/**
 * The write path of one partition's log: validates a batch ({@link BatchValidator}), checks it
 * against the producer and transaction state ({@link TransactionState}), assigns offsets from the
 * log end, stamps the leader epoch, rolls the active segment when due and writes the batch to it,
 * then marks the log dirty for the {@link GroupCommitter}.
 *
 * <p>Files: appends to the active segment's log file and indexes; a roll creates the next
 * segment's files ({@link SegmentList#roll}) and has a producer-state snapshot written at its base.
 *
 * <p>Thread-safety: any thread may append. Validation runs without a lock; the checks against
 * producer state, offset assignment, roll and positional write run under the partition lock,
 * which serializes them with one another and with retention, the cleaner's swaps and closing.
 * Under it the log end and the appended point are published ({@link SegmentList#setLogEndOffset})
 * before the dirty flag is raised, so a flush that clears the flag afterwards covers the append
 * ({@link DurabilityTracker}). Never fsyncs; the group committer is told, or the partition taken
 * offline, after the lock is released.
 */
final class LogAppender {

    private final PartitionContext partition;
    private final SegmentList segments;
    private final TransactionState txns;

    LogAppender(PartitionContext partition, TransactionState txns) {
        this.partition = partition;
        this.segments = partition.segments();
        this.txns = txns;
    }

    /** See {@link PartitionLog#append(ByteBuffer, int, AppendOrigin, VerificationGuard)}. */
    AppendResult append(ByteBuffer batch, int leaderEpoch, AppendOrigin origin, VerificationGuard guard) {
        AppendResult unavailable = partition.log().unavailable();
        if (unavailable != null) {
            return unavailable;
        }
        LogConfig cfg = partition.log().config();
        long now = partition.ctx().clock().milliseconds();
        BatchValidator.Outcome outcome =
                BatchValidator.validate(batch, cfg, origin, now, partition.name(), segments.logStartOffset());
        if (outcome.failure() != null) {
            return outcome.failure();
        }
        ByteBuffer b = outcome.batch();
        int at = b.position();
        int size = b.remaining();
        int lastDelta = BatchHeader.lastOffsetDelta(b, at);
        long maxTimestamp = BatchHeader.maxTimestamp(b, at);
        long producerId = BatchHeader.producerId(b, at);
        int attributes = BatchHeader.attributes(b, at);
        boolean control = (attributes & BatchHeader.CONTROL_FLAG_MASK) != 0;
        boolean transactional = (attributes & BatchHeader.TRANSACTIONAL_FLAG_MASK) != 0;
        TxnMarker marker = control ? TxnMarker.parse(b, at, size) : null;
        if (control && (marker == null || producerId < 0)) {
            return AppendResult.failed(
                    Errors.INVALID_RECORD,
                    "Control batch for " + partition.name() + " is not a transaction marker of a producer",
                    segments.logStartOffset());
        }
        int firstSeq = BatchHeader.baseSequence(b, at);
        ProducerBatch producer = new ProducerBatch(
                producerId,
                BatchHeader.producerEpoch(b, at),
                firstSeq,
                BatchHeader.lastSequence(firstSeq, lastDelta),
                transactional,
                marker);
        AppendResult result;
        boolean becameDirty = false;
        boolean rolled = false;
        IOException failure = null;
        Path failedFile = null;
        partition.lock().lock();
        try {
            result = partition.log().unavailable();
            if (result == null) {
                result = txns.check(
                        producer,
                        origin,
                        guard,
                        segments.logStartOffset(),
                        cfg.timestampType() == TimestampType.LOG_APPEND_TIME);
            }
            if (result == null) {
                long base = segments.logEndOffset();
                long last = base + lastDelta;
                BatchHeader.setBaseOffset(b, at, base);
                BatchHeader.setPartitionLeaderEpoch(b, at, leaderEpoch);
                LogSegment segment = segments.active();
                try {
                    if (segment.shouldRoll(size, last, now, cfg)) {
                        failedFile = partition.dir();
                        rolled = true;
                        segment = roll(cfg);
                    }
                    failedFile = segment.logFile();
                    segment.append(b, base, maxTimestamp, now, cfg.indexIntervalBytes());
                    if (marker != null) {
                        failedFile = segment.txnIndex().file();
                    }
                    txns.record(segment, producer, base, last, maxTimestamp, now);
                    segments.setLogEndOffset(last + 1);
                    becameDirty = partition.durability().markDirty(now);
                    result = new AppendResult(
                            Errors.NONE,
                            null,
                            base,
                            last,
                            outcome.logAppendTime(),
                            segments.logStartOffset(),
                            false,
                            List.of());
                } catch (IOException e) {
                    // A write refused for want of space or descriptors changed nothing the log
                    // counts (its size and indexes move only after the write), so it stays online.
                    ResourceLimitException limit = rolled ? null : ResourceLimitException.of(e, partition.dir());
                    if (limit == null) {
                        failure = e;
                    }
                    result = AppendResult.failed(
                            Errors.KAFKA_STORAGE_ERROR,
                            limit != null
                                    ? "Write to " + partition.name() + " refused: " + limit.getMessage()
                                    : "Write to " + partition.name() + " failed: " + e,
                            segments.logStartOffset());
                }
            }
        } finally {
            partition.lock().unlock();
        }
        if (failure != null) {
            partition.log().goOffline("writing a record batch", failedFile, failure);
        } else if (becameDirty) {
            partition.ctx().committer().schedule(partition.log());
        }
        return result;
    }

    /** Rolls to a new segment and snapshots producer state at its base; the caller holds the partition lock. */
    LogSegment roll(LogConfig cfg) throws IOException {
        long base = segments.logEndOffset();
        byte[] snapshot = txns.snapshot(base);
        LogSegment next = segments.roll(cfg);
        txns.writeSnapshotLater(base, snapshot);
        return next;
    }
}
