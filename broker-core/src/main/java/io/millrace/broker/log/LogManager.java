package io.millrace.broker.log;

import io.millrace.broker.common.AtomicFiles;
import io.millrace.broker.common.Clock;
import io.millrace.broker.common.ExecutorShutdown;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.BrokerReconfigurable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every {@link PartitionLog} of the node across its log directories, and the storage
 * threads: the group-commit thread ({@link GroupCommitter}), the log scheduler
 * ({@value #SCHEDULER_THREAD}: retention, recovery-point checkpoints, producer expiry,
 * producer-state snapshot writes, delayed file deletion) and the log cleaner threads
 * ({@link LogCleaner}: compaction).
 *
 * <p>A log directory holds one directory per partition ({@link LogDirNames}), plus
 * {@code .trash/} (deleted partitions awaiting removal), {@code .lock}, the recovery-point and
 * cleaner checkpoints and, between a clean shutdown and the next start, the clean-shutdown marker
 * (see {@link Checkpoints}).
 *
 * <p>Lifecycle: construct, {@link #startup}, use, {@link #close}. Thread-safe: lookups are
 * lock-free; creating and deleting partitions is serialized. The log cleaner's settings and the
 * producer-id expiry follow changes of the dynamic broker configuration ({@link #reconfigure}).
 */
public final class LogManager implements AutoCloseable, BrokerReconfigurable {

    static final String SCHEDULER_THREAD = "millrace-log-scheduler";
    static final String TRASH_DIR = ".trash";

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    private final LogManagerConfig config;
    private final Clock clock;
    private final List<Path> logDirs;
    private final ConcurrentHashMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Map<Path, FileChannel> dirLocks = new LinkedHashMap<>();
    private final Object lifecycle = new Object();
    private final Object checkpointLock = new Object();
    /** Partitions per log directory, to place new ones (guarded by {@code lifecycle}). */
    private final Map<Path, Integer> partitionsPerDir = new HashMap<>();
    /**
     * Directories of partitions deleted since the recovery-point checkpoint was last written:
     * re-creating one rewrites the checkpoint first, so that the new, empty partition never
     * inherits the old one's recovery point.
     */
    private final Set<Path> deletedSinceCheckpoint = ConcurrentHashMap.newKeySet();

    private final DirtyPartitions dirtyPartitions = new DirtyPartitions();

    private final AtomicBoolean closed = new AtomicBoolean();
    private final GroupCommitter committer;
    private final ScheduledThreadPoolExecutor scheduler;
    private final LogContext ctx;
    private final LogCleaner cleaner;
    private volatile long producerIdExpirationMs;
    private volatile boolean started;

    public LogManager(LogManagerConfig config, Clock clock, FileChannelFactory channels) {
        this.config = config;
        this.clock = clock;
        this.logDirs = config.logDirs().stream()
                .map(p -> p.toAbsolutePath().normalize())
                .distinct()
                .toList();
        this.committer = new GroupCommitter(clock, config.flushThreads());
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, SCHEDULER_THREAD);
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.ctx = new LogContext(
                clock,
                SegmentChannels.of(config, channels),
                committer,
                scheduler,
                new FileDeleter(scheduler),
                config.preallocateBytes(),
                dirtyPartitions);
        this.cleaner = new LogCleaner(config.cleaner(), clock, ctx.channels(), logs::values);
        this.producerIdExpirationMs = config.producerIdExpirationMs();
    }

    @Override
    public void reconfigure(BrokerConfig previous, BrokerConfig next) {
        producerIdExpirationMs = next.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_MS);
        cleaner.reconfigure(CleanerConfig.from(next));
    }

    /**
     * Discovers every partition directory of every log directory, without opening any: each opens
     * on first use ({@link PartitionLog}), trusting what a clean shutdown recorded
     * ({@link CleanShutdownCheckpoint}, deleted here before anything else is written) or recovering
     * from its recovery point. Then starts the background threads. A directory whose topic
     * {@code configForTopic} does not know (empty) is the orphan of an interrupted topic deletion
     * and is moved to the trash.
     *
     * @throws IOException if a log directory cannot be used (locked by another process, unreadable,
     *                     read-only); the contents of partitions are not read here
     */
    public void startup(Function<String, Optional<LogConfig>> configForTopic) throws IOException {
        synchronized (lifecycle) {
            if (started || closed.get()) {
                throw new IllegalStateException("LogManager.startup may be called once, before close");
            }
            for (Path dir : logDirs) {
                Files.createDirectories(dir);
                lockDirectory(dir);
                Optional<Map<String, CleanShutdownCheckpoint.Entry>> clean = CleanShutdownCheckpoint.read(dir);
                Map<String, Long> points = Checkpoints.readRecoveryPoints(dir);
                CleanShutdownCheckpoint.delete(dir);
                emptyTrash(dir);
                int found = discover(dir, configForTopic, clean.orElse(Map.of()), points);
                if (clean.isPresent() || found == 0) {
                    LOG.info(
                            "Log directory {}: {} partitions ({})",
                            dir,
                            found,
                            found == 0
                                    ? "none yet"
                                    : "after a clean shutdown; each opens on first use, trusting its files");
                } else {
                    Set<String> dirty = DirtyPartitions.read(dir);
                    List<PartitionLog> toRecover = logs.values().stream()
                            .filter(l -> dir.equals(l.dir().getParent())
                                    && dirty.contains(l.dir().getFileName().toString()))
                            .toList();
                    long startedMs = clock.milliseconds();
                    int offline = recoverNow(toRecover);
                    LOG.info(
                            "Log directory {}: {} partitions after an unclean shutdown; recovered the {} that took appends"
                                    + " since the last checkpoint in {} ms{}, the others are recovered from their recovery"
                                    + " point when first opened",
                            dir,
                            found,
                            toRecover.size(),
                            clock.milliseconds() - startedMs,
                            offline == 0 ? "" : " (" + offline + " could not be opened and are OFFLINE, see above)");
                }
            }
            // A fresh file: drops the entries of partitions deleted before the restart.
            checkpointRecoveryPoints();
            committer.start();
            cleaner.startup(logDirs, logs.values());
            schedulePeriodic(this::applyRetentionToAll, config.retentionCheckIntervalMs());
            schedulePeriodic(this::checkpointRecoveryPoints, config.recoveryPointCheckpointIntervalMs());
            schedulePeriodic(this::expireProducers, config.producerIdExpirationCheckIntervalMs());
            started = true;
        }
    }

    /** Registers the partitions of {@code dir}, unopened; returns how many. */
    private int discover(
            Path dir,
            Function<String, Optional<LogConfig>> configForTopic,
            Map<String, CleanShutdownCheckpoint.Entry> clean,
            Map<String, Long> recoveryPoints)
            throws IOException {
        int found = 0;
        for (Path child : listPartitionDirs(dir, name -> clean.containsKey(name) || recoveryPoints.containsKey(name))) {
            String dirName = child.getFileName().toString();
            Optional<TopicPartition> tp = LogDirNames.parse(dirName);
            if (tp.isEmpty()) {
                LOG.warn("Ignoring {} in log directory {}: not a partition directory name", dirName, dir);
                continue;
            }
            Optional<LogConfig> topicConfig = configForTopic.apply(tp.get().topic());
            if (topicConfig.isEmpty()) {
                Path target = moveToTrash(dir, child);
                LOG.warn(
                        "Partition directory {} belongs to topic '{}', which no longer exists (a topic deletion was"
                                + " interrupted); moved it to {} for deletion",
                        child,
                        tp.get().topic(),
                        target);
                continue;
            }
            CleanShutdownCheckpoint.Entry entry = clean.get(dirName);
            Long point = recoveryPoints.get(dirName);
            PartitionLog.OpenPlan plan = entry != null
                    ? PartitionLog.OpenPlan.clean(entry)
                    : PartitionLog.OpenPlan.recover(point == null ? OptionalLong.empty() : OptionalLong.of(point));
            PartitionLog log =
                    PartitionLog.lazy(tp.get().topic(), tp.get().partition(), child, topicConfig.get(), ctx, plan);
            PartitionLog other = logs.putIfAbsent(tp.get(), log);
            if (other != null) {
                throw new IOException("Partition " + tp.get() + " exists in two log directories, " + other.dir()
                        + " and " + child + "; remove the stale copy");
            }
            partitionsPerDir.merge(dir, 1, Integer::sum);
            found++;
        }
        return found;
    }

    /** Opens {@code toRecover} in parallel; returns how many failed (they are then offline, logged). */
    private static int recoverNow(List<PartitionLog> toRecover) throws IOException {
        int threads = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
        return inParallel("millrace-log-recovery", threads, toRecover, PartitionLog::openNow);
    }

    /**
     * Runs {@code work} on each log on up to {@code threads} threads named {@code threadName}, and
     * waits for all of them; returns how many threw.
     *
     * @throws IOException when interrupted while waiting
     */
    private static int inParallel(String threadName, int threads, List<PartitionLog> logs, Consumer<PartitionLog> work)
            throws IOException {
        if (logs.isEmpty()) {
            return 0;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (PartitionLog log : logs) {
                done.add(pool.submit(() -> work.accept(log)));
            }
            int failed = 0;
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    LOG.debug("{} failed", threadName, e.getCause());
                    failed++;
                }
            }
            return failed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for " + threadName + " threads", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The entries of {@code logDir} that are partition directories: hidden entries are skipped, and
     * only names the checkpoints do not list as partition directories ({@code checkpointed}) cost a
     * stat, which at 100,000 partitions saves about two seconds of startup.
     */
    private static List<Path> listPartitionDirs(Path logDir, Predicate<String> checkpointed) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(logDir)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (!name.startsWith(".") && (checkpointed.test(name) || Files.isDirectory(child))) {
                    out.add(child);
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    private void lockDirectory(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(
                dir.resolve(Checkpoints.LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("Log directory " + dir + " is in use by another broker (its " + Checkpoints.LOCK_FILE
                    + " file is locked); stop that broker or configure a different log.dirs");
        }
        dirLocks.put(dir, ch);
    }

    /** Removes what a previous run left in the trash (asynchronously). */
    private void emptyTrash(Path dir) throws IOException {
        Path trash = dir.resolve(TRASH_DIR);
        Files.createDirectories(trash);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(trash)) {
            for (Path p : leftovers) {
                scheduler.execute(() -> FileDeleter.deleteTree("deleted partition", p));
            }
        }
    }

    private Path moveToTrash(Path logDir, Path partitionDir) throws IOException {
        Path trash = logDir.resolve(TRASH_DIR);
        Files.createDirectories(trash);
        Path target = trash.resolve(UUID.randomUUID().toString());
        Files.move(partitionDir, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(logDir);
        AtomicFiles.fsyncDirectory(trash);
        return target;
    }

    private void schedulePeriodic(Runnable task, long intervalMs) {
        if (intervalMs <= 0) {
            return;
        }
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (Throwable t) {
                        LOG.error("Periodic storage task failed; it will run again in {} ms", intervalMs, t);
                    }
                },
                intervalMs,
                intervalMs,
                TimeUnit.MILLISECONDS);
    }

    public Collection<PartitionLog> logs() {
        return Collections.unmodifiableCollection(logs.values());
    }

    /** How many partitions were opened since startup (the others hold no file and little heap). */
    public long openedLogs() {
        return logs.values().stream().filter(PartitionLog::isOpen).count();
    }

    public Optional<PartitionLog> log(String topic, int partition) {
        return Optional.ofNullable(logs.get(new TopicPartition(topic, partition)));
    }

    /**
     * Creates a partition's log in the log directory holding the fewest partitions, or returns
     * the existing one. Only its directory is created now, without an fsync: its first segment
     * comes with its first use, and its first flush makes both durable ({@link PartitionLog#create}).
     *
     * @throws IllegalArgumentException if the name cannot be stored ({@link LogDirNames#dirName})
     */
    public PartitionLog createLog(String topic, int partition, LogConfig config) throws IOException {
        checkRunning();
        TopicPartition key = new TopicPartition(topic, partition);
        PartitionLog existing = logs.get(key);
        if (existing != null) {
            return existing;
        }
        synchronized (lifecycle) {
            checkRunning();
            existing = logs.get(key);
            if (existing != null) {
                return existing;
            }
            String dirName = LogDirNames.dirName(topic, partition);
            Path logDir = emptiestLogDir();
            if (deletedSinceCheckpoint.contains(logDir.resolve(dirName))) {
                checkpointRecoveryPoints(logDir);
            }
            PartitionLog log = PartitionLog.create(topic, partition, logDir.resolve(dirName), config, ctx);
            logs.put(key, log);
            partitionsPerDir.merge(logDir, 1, Integer::sum);
            LOG.debug("Created log for {}-{} in {}", topic, partition, log.dir());
            return log;
        }
    }

    private Path emptiestLogDir() {
        Path best = logDirs.get(0);
        int bestCount = Integer.MAX_VALUE;
        for (Path dir : logDirs) {
            int count = partitionsPerDir.getOrDefault(dir, 0);
            if (count < bestCount) {
                best = dir;
                bestCount = count;
            }
        }
        return best;
    }

    /**
     * Removes a partition: out of the map at once, its directory atomically renamed to
     * {@code <logdir>/.trash/<uuid>} (parent fsynced), its files deleted after the topic's
     * file.delete.delay.ms so that reads in flight finish. A no-op for an unknown partition.
     */
    public void deleteLog(String topic, int partition) throws IOException {
        checkRunning();
        synchronized (lifecycle) {
            PartitionLog log = logs.remove(new TopicPartition(topic, partition));
            if (log == null) {
                return;
            }
            Path partitionDir = log.dir();
            Path logDir = partitionDir.getParent();
            partitionsPerDir.merge(logDir, -1, Integer::sum);
            deletedSinceCheckpoint.add(partitionDir);
            List<LogSegment> segments = log.markDeleted();
            cleaner.forget(log);
            Path target = moveToTrash(logDir, partitionDir);
            segments.forEach(s -> s.directoryMoved(target));
            long delay = log.config().fileDeleteDelayMs();
            ctx.deleter().deleteDirectoryLater("deleted partition " + topic + "-" + partition, target, segments, delay);
            LOG.info(
                    "Deleted log of {}-{}: moved {} to {}; files are removed in {} ms",
                    topic,
                    partition,
                    partitionDir,
                    target,
                    delay);
        }
    }

    /** Called on the group-commit thread after every durable-offset advance. */
    public void setDurableListener(DurableListener listener) {
        committer.setListener(listener);
    }

    /**
     * Clean shutdown: stops the background threads, flushes and fsyncs every partition, writes
     * producer snapshots, recovery checkpoints and a clean-shutdown marker per log directory
     * (unless a partition there failed), and releases the directory locks. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (lifecycle) {
            cleaner.close();
            ExecutorShutdown.shutdownAndAwait(
                    scheduler, 60, () -> LOG.warn("Storage background tasks did not finish within 60 s of shutdown"));
            committer.close();
            if (started) {
                shutDownLogs();
            }
            for (Map.Entry<Path, FileChannel> e : dirLocks.entrySet()) {
                try {
                    e.getValue().close();
                } catch (IOException ex) {
                    LOG.warn("Could not release the lock of log directory {}", e.getKey(), ex);
                }
            }
            dirLocks.clear();
            dirtyPartitions.close();
        }
    }

    private void shutDownLogs() {
        Map<Path, List<CleanShutdownCheckpoint.Entry>> clean = new LinkedHashMap<>();
        Map<Path, Integer> unclean = new HashMap<>();
        for (Path dir : logDirs) {
            clean.put(dir, new ArrayList<>());
        }
        List<PartitionLog> opened =
                logs.values().stream().filter(PartitionLog::isOpen).toList();
        Map<PartitionLog, CleanShutdownCheckpoint.Entry> closed = closeInParallel(opened);
        Set<PartitionLog> closedInParallel = new HashSet<>(opened);
        for (PartitionLog log : logs.values()) {
            Path dir = log.dir().getParent();
            CleanShutdownCheckpoint.Entry entry =
                    closedInParallel.contains(log) ? closed.get(log) : log.closeForShutdown(committer.listener());
            if (entry != null) {
                clean.get(dir).add(entry);
            } else {
                unclean.merge(dir, 1, Integer::sum);
            }
        }
        ctx.deleter().runPendingNow();
        for (Path dir : logDirs) {
            try {
                checkpointRecoveryPoints(dir);
                CleanShutdownCheckpoint.write(dir, clean.get(dir));
                if (unclean.containsKey(dir)) {
                    LOG.warn(
                            "{} partitions of log directory {} were not shut down cleanly (failed, or not recovered"
                                    + " since an unclean shutdown); they are recovered when first opened",
                            unclean.get(dir),
                            dir);
                }
            } catch (IOException e) {
                LOG.warn(
                        "Could not write the shutdown state of log directory {} ({}); its partitions will be recovered"
                                + " when first opened at the next startup",
                        dir,
                        e.toString());
            }
        }
        LOG.info(
                "Storage shut down: {} partitions, {} of them opened since startup and flushed",
                logs.size(),
                opened.size());
    }

    /**
     * Closes open logs on several threads, since each close waits for fsyncs (data, indexes, the
     * producer snapshot) that the disk can serve concurrently. Returns each log's checkpoint entry
     * (absent: not clean).
     */
    private Map<PartitionLog, CleanShutdownCheckpoint.Entry> closeInParallel(List<PartitionLog> open) {
        Map<PartitionLog, CleanShutdownCheckpoint.Entry> entries = new ConcurrentHashMap<>();
        try {
            int failed = inParallel("millrace-log-shutdown", Math.max(1, Math.min(8, open.size() / 16)), open, log -> {
                CleanShutdownCheckpoint.Entry entry = log.closeForShutdown(committer.listener());
                if (entry != null) {
                    entries.put(log, entry);
                }
            });
            if (failed > 0) {
                LOG.error("Closing {} partitions failed unexpectedly; they are recovered at the next startup", failed);
            }
        } catch (IOException e) {
            LOG.warn("Interrupted while closing partitions; those not closed are recovered at the next startup");
        }
        return entries;
    }

    private void checkRunning() {
        if (!started || closed.get()) {
            throw new IllegalStateException("The log manager is not running (startup not called, or closed)");
        }
    }

    // ---- periodic tasks (log scheduler thread; package-private for tests) ----

    void applyRetentionToAll() {
        long now = clock.milliseconds();
        for (PartitionLog log : logs.values()) {
            try {
                log.applyRetentionIfDue(now);
            } catch (IOException e) {
                LOG.warn("Retention could not look at the files of {} ({}); trying again next time", log, e.toString());
            } catch (RuntimeException e) {
                LOG.error("Retention failed for {}", log, e);
            }
        }
    }

    void checkpointRecoveryPoints() {
        for (Path dir : logDirs) {
            try {
                checkpointRecoveryPoints(dir);
            } catch (IOException e) {
                LOG.warn(
                        "Could not write the recovery checkpoint of {} ({}); an unclean restart will scan more data",
                        dir,
                        e.toString());
            }
        }
    }

    private void checkpointRecoveryPoints(Path logDir) throws IOException {
        synchronized (checkpointLock) {
            // Captured before iterating: a partition deleted after this may still be written below.
            List<Path> deleted = deletedSinceCheckpoint.stream()
                    .filter(d -> logDir.equals(d.getParent()))
                    .toList();
            Map<String, Long> points = new TreeMap<>();
            Map<PartitionLog, Long> written = new HashMap<>();
            for (PartitionLog log : logs.values()) {
                if (logDir.equals(log.dir().getParent()) && !log.isOffline()) {
                    long point = log.checkpointRecoveryPoint();
                    if (point >= 0) {
                        points.put(log.dir().getFileName().toString(), point);
                        written.put(log, point);
                    }
                }
            }
            Checkpoints.writeRecoveryPoints(logDir, points);
            deletedSinceCheckpoint.removeAll(deleted);
            dirtyPartitions.rewrite(
                    logDir,
                    () -> written.keySet().stream()
                            .filter(PartitionLog::dirtyNoted)
                            .map(l -> l.dir().getFileName().toString())
                            .toList());
            written.forEach(PartitionLog::recoveryPointCheckpointed);
        }
    }

    void expireProducers() {
        for (PartitionLog log : logs.values()) {
            int expired = log.expireProducers(producerIdExpirationMs);
            if (expired > 0) {
                LOG.debug("{}: expired {} idle producer ids", log, expired);
            }
        }
    }

    Clock clock() {
        return clock;
    }

    LogCleaner cleaner() {
        return cleaner;
    }

    /** Segment files holding a descriptor now (tests). */
    int openFiles() {
        return ctx.channels().openFiles().size();
    }

    /** Index files mapped now, apart from dropped mappings the garbage collector has not unmapped yet (tests). */
    int mappedIndexes() {
        return ctx.channels().mappedIndexes().size();
    }
}
