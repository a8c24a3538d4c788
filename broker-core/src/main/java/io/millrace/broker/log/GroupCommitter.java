package io.millrace.broker.log;

import io.millrace.broker.common.Clock;
import io.millrace.broker.common.ExecutorShutdown;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit stage: makes appended data durable.
 *
 * <p>A partition enqueues itself when its first unflushed append arrives. The scheduling thread
 * ({@value #THREAD_NAME}) starts a flush of a queued partition when an acks=all producer waits on
 * it ({@link PartitionLog#whenDurable}) or when its flush.ms has passed since it became dirty
 * (0 = at once); a waiting producer's thread starts the flush itself when none is running
 * ({@link #flushForWaiter}). A flush snapshots the published log end, fsyncs, then
 * publishes the new durable offset, so appends that arrive during an fsync are all covered by the
 * next one: one fsync serves every producer that waited meanwhile (BookKeeper-style group commit).
 *
 * <p>Flushes run on a pool of {@code log.flush.threads} threads ({@value #FLUSHER_PREFIX}N, one by
 * default): a partition is flushed by one thread at a time; with more threads, different
 * partitions concurrently, so a request spanning several partitions may wait for about one fsync
 * instead of their sum, at the price of fsyncs that each cover less data.
 *
 * <p>Thread-safety: {@link #schedule}, {@link #flushForWaiter} and {@link #wake} may be called
 * from any thread (a partition's flushing flag, claimed by compare-and-set, keeps its flushes one
 * at a time); the queue of partitions is owned by the scheduling thread. No thread dies from an
 * exception in a partition or a callback.
 */
final class GroupCommitter implements AutoCloseable {

    static final String THREAD_NAME = "millrace-group-commit";
    static final String FLUSHER_PREFIX = "millrace-flush-";

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    /**
     * Longest park while a partition waits for its flush.ms; bounds how late a deadline is noticed
     * when time comes from an injected clock.
     */
    private static final long MAX_PARK_MS = 20;

    private final Clock clock;
    private final ConcurrentLinkedQueue<PartitionLog> incoming = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final ExecutorService flushers;
    private volatile DurableListener listener = (log, offset) -> {};
    private volatile boolean running = true;

    GroupCommitter(Clock clock, int flushThreads) {
        this.clock = clock;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
        AtomicInteger ids = new AtomicInteger();
        this.flushers = Executors.newFixedThreadPool(Math.max(1, flushThreads), r -> {
            Thread t = new Thread(r, FLUSHER_PREFIX + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        thread.start();
    }

    void setListener(DurableListener listener) {
        this.listener = listener == null ? (log, offset) -> {} : listener;
    }

    DurableListener listener() {
        return listener;
    }

    /**
     * A producer waits for {@code log}: hands its flush to a flush thread from the calling thread
     * when none is running (one thread hand-off fewer on the acks=all path than going through the
     * scheduling thread), then queues it as {@link #schedule} does, for flushes still needed later.
     */
    void flushForWaiter(PartitionLog log) {
        DurabilityTracker d = log.durability();
        if (running && d.isDirty() && log.canFlush() && !d.isFlushing()) {
            startFlush(log, d);
        }
        schedule(log);
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
            if (d.isDirty() && log.canFlush() && !d.isFlushing()) {
                long due = d.flushDueAtMs(log.config().flushMs());
                if (due <= now && startFlush(log, d)) {
                    due = Long.MAX_VALUE;
                }
                nextDue = Math.min(nextDue, due);
            }
            if ((!d.isDirty() || !log.canFlush()) && !d.isFlushing() && d.releaseQueued()) {
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

    /** Hands the partition to a flush thread; false when the pool refused it (shutting down). */
    private boolean startFlush(PartitionLog log, DurabilityTracker d) {
        if (!d.startFlushing()) {
            return false;
        }
        try {
            flushers.execute(() -> {
                try {
                    log.flush(listener);
                } catch (Throwable t) {
                    LOG.error("Unexpected error flushing {}", log, t);
                } finally {
                    d.endFlushing();
                    wake();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            d.endFlushing();
            return false;
        }
    }

    /** Stops the threads (data not yet flushed is flushed by the caller, e.g. clean shutdown). */
    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ExecutorShutdown.shutdownAndAwait(
                flushers,
                30,
                () -> LOG.warn("Flush threads did not stop within 30 s (an fsync may be hanging on a failing disk)"));
        if (thread.isAlive()) {
            LOG.warn("The group-commit thread did not stop within 30 s (an fsync may be hanging on a failing disk)");
        }
    }
}
