package io.millrace.broker.log;

import io.millrace.broker.common.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the logs whose cleanup.policy includes "compact" (Kafka's LogCleaner and
 * LogCleanerManager): keeps the latest record of every key, and drops tombstones after
 * delete.retention.ms.
 *
 * <p>Threads: log.cleaner.threads threads named {@value #THREAD_PREFIX}N. Each repeatedly picks the
 * dirtiest compacted log no other thread is cleaning ({@link LogToClean}: dirty ratio above
 * min.cleanable.dirty.ratio, dirty data older than max.compaction.lag.ms, or kept tombstones past
 * their delete horizon), cleans it with its own {@link Cleaner}, and sleeps log.cleaner.backoff.ms
 * when no log is worth cleaning. Appends never wait for cleaning: a pass holds the partition lock
 * only to swap segments. {@link #reconfigure} applies new settings while the broker runs: a new
 * thread count or buffer size stops the threads (abandoning their passes, which are retried) and
 * starts new ones; a new backoff is read by the threads at their next sleep.
 *
 * <p>State: per log, the first dirty offset (where the last pass ended), persisted per log
 * directory in {@value Checkpoints#CLEANER_OFFSET_FILE} after every pass so a restart resumes there;
 * the earliest delete horizon among the tombstones the last pass kept (in memory only: after a
 * restart expired tombstones go with the next pass the dirty ratio triggers, as in Kafka); the
 * logs being cleaned; and the logs whose cleaning failed unexpectedly, which are left alone until
 * the broker restarts (logged as ERROR). Logs are identified by their {@link PartitionLog}
 * instance, so a deleted and re-created topic starts afresh.
 *
 * <p>Lifecycle: construct, {@link #startup}, any number of {@link #reconfigure}, {@link #close}.
 * Thread-safe: the state is guarded by this object's monitor, checkpoint files by
 * {@link #checkpointLock}, the threads by {@link #lifecycle}.
 */
final class LogCleaner implements AutoCloseable {

    static final String THREAD_PREFIX = "millrace-log-cleaner-";

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private volatile CleanerConfig config;
    private final Clock clock;
    private final SegmentChannels channels;
    private final Supplier<Collection<PartitionLog>> logs;
    private final Map<PartitionLog, Long> firstDirty = new IdentityHashMap<>();
    private final Map<PartitionLog, Long> deleteHorizons = new IdentityHashMap<>();
    private final Set<PartitionLog> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<PartitionLog> failed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Object checkpointLock = new Object();
    private final Object sleeper = new Object();
    private final Object lifecycle = new Object();
    /** The running threads; guarded by {@link #lifecycle}. */
    private Workers workers = new Workers(List.of(), new AtomicBoolean());

    private volatile boolean closed;
    private long passes;

    LogCleaner(CleanerConfig config, Clock clock, SegmentChannels channels, Supplier<Collection<PartitionLog>> logs) {
        this.config = config;
        this.clock = clock;
        this.channels = channels;
        this.logs = logs;
    }

    /** Loads the cleaner checkpoints of the recovered logs and starts the threads (if enabled). */
    void startup(List<Path> logDirs, Collection<PartitionLog> recovered) {
        Map<Path, Map<String, Long>> checkpoints = new HashMap<>();
        for (Path dir : logDirs) {
            checkpoints.put(dir, Checkpoints.readCleanerOffsets(dir));
        }
        synchronized (this) {
            for (PartitionLog log : recovered) {
                Map<String, Long> inDir = checkpoints.getOrDefault(log.dir().getParent(), Map.of());
                Long offset = inDir.get(log.dir().getFileName().toString());
                if (offset != null) {
                    firstDirty.put(log, offset);
                }
            }
        }
        if (!config.enabled()) {
            LOG.info("The log cleaner is disabled (log.cleaner.enable=false): compacted topics are not compacted");
            return;
        }
        synchronized (lifecycle) {
            if (!closed) {
                workers = Workers.start(this, config);
            }
        }
    }

    /** The cleaner threads of one configuration and the flag that stops them. */
    private record Workers(List<Thread> threads, AtomicBoolean stopped) {

        static Workers start(LogCleaner owner, CleanerConfig config) {
            AtomicBoolean stopped = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int i = 1; i <= config.threads(); i++) {
                Cleaner cleaner =
                        new Cleaner(i, config, owner.channels, owner.clock, () -> owner.closed || stopped.get());
                Thread t = new Thread(() -> owner.run(cleaner, stopped), THREAD_PREFIX + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            return new Workers(List.copyOf(threads), stopped);
        }

        /** Stops the threads, abandoning their passes, and waits for them. */
        void stop(Object sleeper) {
            stopped.set(true);
            synchronized (sleeper) {
                sleeper.notifyAll();
            }
            for (Thread t : threads) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive()) {
                    LOG.warn("Log cleaner thread {} did not stop within 30 s", t.getName());
                }
            }
        }
    }

    /**
     * Applies new node-wide settings. {@code log.cleaner.enable} is fixed at startup: a disabled
     * cleaner only remembers the settings.
     */
    void reconfigure(CleanerConfig next) {
        synchronized (lifecycle) {
            CleanerConfig previous = config;
            config = next;
            if (closed || workers.threads().isEmpty() || previous.equals(next)) {
                return;
            }
            if (previous.threads() != next.threads()
                    || previous.dedupeBufferSize() != next.dedupeBufferSize()
                    || previous.ioBufferSize() != next.ioBufferSize()) {
                workers.stop(sleeper);
                workers = Workers.start(this, next);
                LOG.info("Log cleaner restarted with {}", next);
            } else {
                // Sleeping threads wake up and sleep again with the new backoff.
                synchronized (sleeper) {
                    sleeper.notifyAll();
                }
            }
        }
    }

    /** The threads running now (tests). */
    List<Thread> threads() {
        synchronized (lifecycle) {
            return workers.threads();
        }
    }

    /** A worker with this node's settings; stops when the cleaner is closed. */
    Cleaner newCleaner(int id) {
        return new Cleaner(id, config, channels, clock, () -> closed);
    }

    private void run(Cleaner cleaner, AtomicBoolean stopped) {
        while (!closed && !stopped.get()) {
            boolean cleaned = false;
            try {
                cleaned = cleanOnce(cleaner);
            } catch (Throwable t) {
                LOG.error("Unexpected error in log cleaner thread {}; it keeps running", cleaner.id(), t);
            }
            if (!cleaned) {
                synchronized (sleeper) {
                    if (!closed && !stopped.get()) {
                        try {
                            sleeper.wait(Math.max(1, config.backoffMs()));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
    }

    /**
     * Picks the dirtiest log worth cleaning and cleans it with {@code cleaner}.
     *
     * @return whether a pass completed (false: nothing to do, or the pass was abandoned)
     */
    boolean cleanOnce(Cleaner cleaner) {
        LogToClean cleanable = grabDirtiest(clock.milliseconds());
        if (cleanable == null) {
            return false;
        }
        PartitionLog log = cleanable.log();
        String name = log.topic() + "-" + log.partition();
        try {
            CleanerStats stats = cleaner.clean(cleanable);
            doneCleaning(log, stats);
            LOG.info(stats.describe(name));
            if (stats.keylessRemoved > 0) {
                LOG.warn(
                        "{}: the cleaner removed {} records without a key; a compacted topic keeps only keyed"
                                + " records (they were written before the topic became compacted)",
                        name,
                        stats.keylessRemoved);
            }
            return true;
        } catch (Cleaner.AbortedException e) {
            LOG.info("{}: cleaning pass abandoned: {}; it is retried later", name, e.getMessage());
            return false;
        } catch (IOException | RuntimeException e) {
            if (!log.isUsable()) {
                return false;
            }
            synchronized (this) {
                failed.add(log);
            }
            LOG.error(
                    "{}: compaction failed and is suspended for this partition until the broker restarts ({}). The"
                            + " partition stays readable and writable but its compacted log no longer shrinks. Check the"
                            + " broker log and the disk holding {}; at restart recovery checks the segments and compaction"
                            + " resumes.",
                    name,
                    e.toString(),
                    log.dir(),
                    e);
            return false;
        } finally {
            synchronized (this) {
                inProgress.remove(log);
            }
        }
    }

    /** The log most worth cleaning now, marked as in progress; null when none is. */
    private synchronized LogToClean grabDirtiest(long nowMs) {
        LogToClean best = null;
        for (PartitionLog log : logs.get()) {
            if (!log.config().compact() || !log.isUsable() || inProgress.contains(log) || failed.contains(log)) {
                continue;
            }
            LogToClean candidate;
            try {
                candidate = LogToClean.of(
                        log, firstDirty.get(log), deleteHorizons.getOrDefault(log, Long.MAX_VALUE), nowMs);
            } catch (IOException e) {
                LOG.warn(
                        "{}: could not inspect its segments for compaction ({}); trying again later",
                        log,
                        e.toString());
                continue;
            }
            if (candidate.worthCleaning() && (best == null || candidate.cleanableRatio() > best.cleanableRatio())) {
                best = candidate;
            }
        }
        if (best != null) {
            inProgress.add(best.log());
        }
        return best;
    }

    private void doneCleaning(PartitionLog log, CleanerStats stats) {
        synchronized (this) {
            passes++;
            if (log.isDeleted()) {
                return;
            }
            firstDirty.put(log, stats.endOffset);
            deleteHorizons.put(log, stats.earliestDeleteHorizonMs);
        }
        writeCheckpoint(log.dir().getParent());
    }

    /** Drops a deleted log's state and its checkpoint entry. */
    void forget(PartitionLog log) {
        boolean checkpointed;
        synchronized (this) {
            checkpointed = firstDirty.remove(log) != null;
            deleteHorizons.remove(log);
            failed.remove(log);
        }
        if (checkpointed) {
            writeCheckpoint(log.dir().getParent());
        }
    }

    private void writeCheckpoint(Path logDir) {
        synchronized (checkpointLock) {
            Map<String, Long> offsets = new TreeMap<>();
            synchronized (this) {
                for (Map.Entry<PartitionLog, Long> e : firstDirty.entrySet()) {
                    PartitionLog log = e.getKey();
                    if (!log.isDeleted() && logDir.equals(log.dir().getParent())) {
                        offsets.put(log.dir().getFileName().toString(), e.getValue());
                    }
                }
            }
            try {
                Checkpoints.writeCleanerOffsets(logDir, offsets);
            } catch (IOException e) {
                LOG.warn(
                        "Could not write the cleaner checkpoint of {} ({}); after a restart compaction redoes some"
                                + " work",
                        logDir,
                        e.toString());
            }
        }
    }

    /** Where the next pass over {@code log} starts, if a pass ran (tests). */
    synchronized Long firstDirtyOffset(PartitionLog log) {
        return firstDirty.get(log);
    }

    /** Completed passes over all logs since startup (tests). */
    synchronized long passes() {
        return passes;
    }

    /** Stops the threads, abandoning passes in progress (their unfinished files are deleted). */
    @Override
    public void close() {
        closed = true;
        synchronized (lifecycle) {
            workers.stop(sleeper);
        }
    }
}
