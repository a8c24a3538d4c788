package io.millrace.broker.log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.protocol.Errors;

/**
 * One partition's durability state: the published durable point (what readers may see), whether
 * unflushed data exists and since when, the acks=all callbacks waiting for a flush, and whether
 * the partition sits in the {@link GroupCommitter}'s queue.
 *
 * <p>Thread-safety: the dirty flag is raised by appenders under the partition lock, after they
 * published their appended point, and cleared by the flusher (without that lock) before it reads
 * the appended point: an append either is covered by that flush or leaves the log dirty for the
 * next one. The flag is volatile so the group-commit thread can poll it.
 * Waiters are guarded by this object's monitor; a waiter is registered only after re-checking
 * the durable point under that monitor, and the flusher drains waiters under it after publishing,
 * so no completion is missed. Callbacks are returned to the caller to run outside every lock.
 */
final class DurabilityTracker {

    /**
     * Everything below {@code offset} is fsynced; in segment {@code segmentBase} the durable bytes
     * end at {@code position}, and every earlier segment is durable in full.
     */
    record DurablePoint(long offset, long segmentBase, int position) {}

    record Waiter(long offset, DurabilityCallback callback) {}

    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(Comparator.comparingLong(Waiter::offset));
    private volatile DurablePoint point;
    private volatile long dirtySinceMs = -1;
    private volatile boolean flushRequested;
    private Errors failure;

    DurabilityTracker(DurablePoint initial) {
        this.point = initial;
    }

    DurablePoint point() {
        return point;
    }

    long durableOffset() {
        return point.offset();
    }

    /** Called under the partition lock after an append; true if the log just became dirty. */
    boolean markDirty(long nowMs) {
        if (dirtySinceMs < 0) {
            dirtySinceMs = nowMs;
            return true;
        }
        return false;
    }

    boolean isDirty() {
        return dirtySinceMs >= 0;
    }

    /** Clock time at which flush.ms says the log must be flushed; Long.MIN_VALUE if a waiter wants it now. */
    long flushDueAtMs(long flushMs) {
        long since = dirtySinceMs;
        if (since < 0) {
            return Long.MAX_VALUE;
        }
        if (flushRequested) {
            return Long.MIN_VALUE;
        }
        return flushMs >= Long.MAX_VALUE - since ? Long.MAX_VALUE : since + flushMs;
    }

    /** Called by the flusher before it snapshots the appended point. */
    void clearDirty() {
        dirtySinceMs = -1;
        flushRequested = false;
    }

    /** Claims the right to flush; false while another flush of this partition is running. */
    boolean startFlushing() {
        return flushing.compareAndSet(false, true);
    }

    void endFlushing() {
        flushing.set(false);
    }

    boolean isFlushing() {
        return flushing.get();
    }

    /** Claims the partition's place in the commit queue; false if it is already queued. */
    boolean tryEnqueue() {
        return queued.compareAndSet(false, true);
    }

    /**
     * Leaves the commit queue; returns false (and stays queued) when the log became dirty again
     * meanwhile, so the caller must keep it.
     */
    boolean releaseQueued() {
        queued.set(false);
        return !(isDirty() && queued.compareAndSet(false, true));
    }

    /**
     * Registers a callback for {@code offset}, or returns the error to complete it with right
     * away: NONE when already durable, the failure when the partition can no longer flush.
     */
    synchronized Errors register(long offset, DurabilityCallback callback) {
        if (failure != null) {
            return failure;
        }
        if (offset <= point.offset()) {
            return Errors.NONE;
        }
        waiters.add(new Waiter(offset, callback));
        flushRequested = true;
        return null;
    }

    /** Publishes a new durable point and returns the waiters it satisfies. */
    synchronized List<Waiter> publish(DurablePoint newPoint) {
        if (newPoint.offset() >= point.offset()) {
            point = newPoint;
        }
        List<Waiter> done = new ArrayList<>();
        while (!waiters.isEmpty() && waiters.peek().offset() <= point.offset()) {
            done.add(waiters.poll());
        }
        if (!waiters.isEmpty()) {
            flushRequested = true;
        }
        return done;
    }

    /** The partition can no longer flush: returns every waiter, and later registrations fail at once. */
    /** Removes and returns the current waiters, leaving later ones to wait as usual (a transient refusal). */
    synchronized List<Waiter> takeWaiters() {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        return all;
    }

    synchronized List<Waiter> fail(Errors error) {
        if (failure == null) {
            failure = error;
        }
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        return all;
    }
}
