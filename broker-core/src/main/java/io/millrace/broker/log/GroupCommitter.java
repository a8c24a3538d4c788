package io.millrace.broker.log;

import io.millrace.broker.common.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit thread ({@value #THREAD_NAME}): makes appended data durable.
 *
 * <p>A partition enqueues itself when its first unflushed append arrives. The thread flushes a
 * queued partition when an acks=all producer waits on it ({@link PartitionLog#whenDurable}) or
 * when its flush.ms has passed since it became dirty (0 = at once). A flush snapshots the log end
 * under the partition lock, fsyncs outside it, then publishes the new durable offset, so appends
 * that arrive during an fsync are all covered by the next one: one fsync serves every producer
 * that waited meanwhile (BookKeeper-style group commit). Flushes run one partition at a time.
 *
 * <p>Thread-safety: {@link #schedule} and {@link #wake} may be called from any thread; everything
 * else runs on the commit thread. The thread never dies from an exception in a partition or a
 * callback.
 */
final class GroupCommitter implements AutoCloseable {

    static final String THREAD_NAME = "millrace-group-commit";

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    /**
     * Longest park while a partition waits for its flush.ms; bounds how late a deadline is noticed
     * when time comes from an injected clock.
     */
    private static final long MAX_PARK_MS = 20;

    private final Clock clock;
    private final ConcurrentLinkedQueue<PartitionLog> incoming = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile DurableListener listener = (log, offset) -> { };
    private volatile boolean running = true;

    GroupCommitter(Clock clock) {
        this.clock = clock;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void setListener(DurableListener listener) {
        this.listener = listener == null ? (log, offset) -> { } : listener;
    }

    DurableListener listener() {
        return listener;
    }

    /** Queues a dirty partition (if not queued already) and wakes the thread. */
    void schedule(PartitionLog log) {
        if (log.durability().tryEnqueue()) {
            incoming.add(log);
        }
        wake();
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    private void run() {
        List<PartitionLog> pending = new ArrayList<>();
        while (running) {
            try {
                for (PartitionLog log; (log = incoming.poll()) != null; ) {
                    pending.add(log);
                }
                long parkMs = flushDue(pending);
                if (running && incoming.isEmpty() && parkMs > 0) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(parkMs));
                }
            } catch (Throwable t) {
                LOG.error("Unexpected error in the group-commit thread; it keeps running", t);
            }
        }
    }

    /** Flushes every due partition; returns how long to park (0 = go round again at once). */
    private long flushDue(List<PartitionLog> pending) {
        long now = clock.milliseconds();
        long nextDue = Long.MAX_VALUE;
        for (int i = 0; i < pending.size(); ) {
            PartitionLog log = pending.get(i);
            DurabilityTracker d = log.durability();
            if (d.isDirty() && log.canFlush()) {
                long due = d.flushDueAtMs(log.config().flushMs());
                if (due <= now) {
                    log.flush(listener);
                    now = clock.milliseconds();
                    due = d.flushDueAtMs(log.config().flushMs());
                }
                nextDue = Math.min(nextDue, due);
            }
            if ((!d.isDirty() || !log.canFlush()) && d.releaseQueued()) {
                pending.remove(i);
                continue;
            }
            i++;
        }
        if (nextDue == Long.MAX_VALUE) {
            return pending.isEmpty() ? Long.MAX_VALUE / 2 : MAX_PARK_MS;
        }
        return nextDue <= now ? 0 : Math.min(MAX_PARK_MS, nextDue - now);
    }

    /** Stops the thread (data not yet flushed is flushed by the caller, e.g. clean shutdown). */
    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The group-commit thread did not stop within 30 s (an fsync may be hanging on a failing disk)");
        }
    }
}
