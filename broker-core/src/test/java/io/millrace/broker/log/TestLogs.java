package io.millrace.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.common.config.BrokerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;

/**
 * A log manager over temporary directories with a manual clock, plus restart helpers. A "crash"
 * is simulated by copying the live directories (what the disk holds at that moment) and starting
 * a new manager on the copy, which finds no clean-shutdown marker.
 */
final class TestLogs implements AutoCloseable {

    static final long HOUR = 3_600_000L;

    final Path root;
    final List<Path> dirs;
    final ManualClock clock;
    final FileChannelFactory channels;
    final Map<String, LogConfig> topics = new HashMap<>();
    /** The cleaner threads' settings; the default runs them with Kafka's 15 s backoff. */
    CleanerConfig cleaner = CleanerConfig.defaults();
    /** Zero-filled space ahead of active segments ({@link SegmentPrefill}); the broker's default. */
    int preallocateBytes = LogManagerConfig.DEFAULT_PREALLOCATE_BYTES;
    /** log.flush.threads; the broker's default. */
    int flushThreads = LogManagerConfig.DEFAULT_FLUSH_THREADS;

    LogManager manager;

    TestLogs(Path root, int logDirs, ManualClock clock, FileChannelFactory channels) {
        this.root = root;
        this.clock = clock;
        this.channels = channels;
        this.dirs = new ArrayList<>();
        for (int i = 0; i < logDirs; i++) {
            dirs.add(root.resolve("data" + i));
        }
    }

    TestLogs(Path root) {
        this(root, 1, new ManualClock(), FileChannelFactory.DEFAULT);
    }

    static LogConfig config(String... keyValues) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(LogConfig.FILE_DELETE_DELAY_MS, "0");
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        return LogConfig.of(LogConfig.brokerDefaults(BrokerConfig.defaults()), overrides);
    }

    LogManager start() throws IOException {
        manager = new LogManager(
                new LogManagerConfig(dirs, HOUR, HOUR, HOUR, HOUR, cleaner, flushThreads, preallocateBytes),
                clock,
                channels);
        manager.startup(topic -> Optional.ofNullable(topics.get(topic)));
        return manager;
    }

    PartitionLog create(String topic, int partition, LogConfig config) throws IOException {
        topics.put(topic, config);
        return manager.createLog(topic, partition, config);
    }

    PartitionLog log(String topic, int partition) {
        return manager.log(topic, partition).orElseThrow();
    }

    /** Clean shutdown and start again. */
    LogManager restart() throws IOException {
        manager.close();
        return start();
    }

    /** A manager started on a copy of the current files, as if the machine had crashed now. */
    TestLogs crashCopy(Path newRoot) throws IOException {
        TestLogs copy = new TestLogs(newRoot, dirs.size(), clock, FileChannelFactory.DEFAULT);
        copy.topics.putAll(topics);
        copy.cleaner = cleaner;
        copy.preallocateBytes = preallocateBytes;
        copy.flushThreads = flushThreads;
        for (int i = 0; i < dirs.size(); i++) {
            copyTree(dirs.get(i), copy.dirs.get(i));
        }
        return copy;
    }

    /** Copies a live directory tree; files that vanish meanwhile (renamed tmp files) are skipped. */
    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) throws IOException {
                if (!p.getFileName().toString().equals(Checkpoints.LOCK_FILE)) {
                    try {
                        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
                    } catch (NoSuchFileException e) {
                        // renamed or deleted while copying: not part of the crash image
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }

    // ---- helpers for tests ----

    static AppendResult append(PartitionLog log, ByteBuffer batch) {
        AppendResult r = log.append(batch, 7, AppendOrigin.CLIENT);
        assertThat(r.error()).as(r.errorMessage()).isEqualTo(Errors.NONE);
        return r;
    }

    /** Waits (bounded) until everything appended so far is durable. */
    static void awaitDurable(PartitionLog log) throws Exception {
        CompletableFuture<Errors> done = new CompletableFuture<>();
        log.whenDurable(log.logEndOffset(), done::complete);
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
        assertThat(log.durableOffset()).isGreaterThanOrEqualTo(log.logEndOffset());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    static Path segmentFile(PartitionLog log, long base, String suffix) {
        return LogSegment.file(log.dir(), base, suffix);
    }

    static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }
}
