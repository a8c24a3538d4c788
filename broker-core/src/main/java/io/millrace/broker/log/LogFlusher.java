package io.millrace.broker.log;

import io.millrace.broker.log.DurabilityTracker.Waiter;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durability side of one partition's log: the flush that the {@link GroupCommitter} runs
 * (fsync what was appended, then publish the durable offset and complete the acks=all waiters),
 * and the zero-filling of space ahead of the active segment's end that a flush asks for
 * ({@link SegmentPrefill}), so later fsyncs overwrite allocated, durable bytes.
 *
 * <p>Files: fsyncs the segments' log files and indexes and the partition directory; zero-fills
 * and fsyncs the tail of the active segment's log file.
 *
 * <p>Thread-safety: one flush at a time, under this flusher's flush lock; it never takes the
 * partition lock to wait for an append (it plans from the published appended point), only to let
 * the last stable offset move past markers that became durable ({@link TransactionState#onDurable}):
 * the flush lock, then the partition lock, never the other way round. Waiters' callbacks and the
 * durable listener run under the flush lock but under no partition lock. The fill runs on the
 * log scheduler thread without any lock ({@link SegmentPrefill} keeps one fill per segment at a
 * time).
 */
final class LogFlusher {

    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);

    private final PartitionContext partition;
    private final SegmentList segments;
    private final TransactionState txns;
    private final Object flushLock = new Object();

    LogFlusher(PartitionContext partition, TransactionState txns) {
        this.partition = partition;
        this.segments = partition.segments();
        this.txns = txns;
    }

    /**
     * Makes everything appended so far durable: snapshot the appended point, fsync, then publish
     * the durable point, complete waiters and tell the listener. One flush at a time.
     */
    void flush(DurableListener listener) {
        DurabilityTracker durability = partition.durability();
        PartitionLog log = partition.log();
        synchronized (flushLock) {
            long before = durability.durableOffset();
            if (!log.canFlush()) {
                return;
            }
            durability.clearDirty();
            SegmentList.FlushPlan plan = segments.planFlush(durability.point().segmentBase());
            try {
                plan.execute();
            } catch (SegmentList.FlushException e) {
                if (!log.isDeleted()) {
                    log.goOffline("fsyncing", e.file(), e.io());
                    if (!log.isOffline()
                            && durability.markDirty(partition.ctx().clock().milliseconds())) {
                        partition.ctx().committer().schedule(log); // refused by a resource limit: retry
                    }
                }
                return;
            }
            plan.markFlushed();
            List<Waiter> done = durability.publish(plan.target());
            txns.onDurable(plan.target().offset());
            log.complete(done, Errors.NONE);
            if (plan.target().offset() > before) {
                try {
                    listener.onDurableOffsetAdvanced(log, plan.target().offset());
                } catch (RuntimeException e) {
                    LOG.error("Durable-offset listener failed for {}", partition.name(), e);
                }
            }
            LogSegment active = segments.active();
            if (active.wantsFill(log.config().segmentBytes(), partition.ctx().preallocateBytes())) {
                schedulePrefill(active);
            }
        }
    }

    private void schedulePrefill(LogSegment active) {
        try {
            partition.ctx().scheduler().execute(() -> prefill(active));
        } catch (RejectedExecutionException e) {
            active.cancelFill(); // shutting down: the fill is pointless
        }
    }

    /**
     * On the log scheduler thread: zero-fills space ahead of the active segment's end and fsyncs
     * it. A failed fill only stops preallocation in that segment.
     */
    private void prefill(LogSegment active) {
        boolean wrote;
        try {
            wrote = active.fillAhead(
                    partition.log().config().segmentBytes(),
                    partition.ctx().preallocateBytes(),
                    partition.ctx().clock().milliseconds());
        } catch (IOException e) {
            active.stopPrefill();
            if (isLive(active)) {
                LOG.warn(
                        "{}: could not preallocate space in {} ({}); appends to this segment go on without"
                                + " preallocation, at a higher fsync cost. Check free space and the disk holding {}.",
                        partition.name(),
                        active.logFile(),
                        e.toString(),
                        partition.dir());
            }
            return;
        }
        if (wrote) {
            try {
                active.channel().force(false);
            } catch (IOException e) {
                if (isLive(active)) {
                    partition.log().goOffline("fsyncing preallocated space of", active.logFile(), e);
                }
            }
        }
    }

    /** Whether a failure in {@code segment} concerns the live log (not one closed or deleted meanwhile). */
    private boolean isLive(LogSegment segment) {
        return !partition.log().isDeleted() && !partition.log().isClosed() && !segment.isDeleted();
    }
}
