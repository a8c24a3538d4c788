package io.millrace.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.log.TestBatches.Entry;
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
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The log tests' fixture: a log manager over a temporary directory with a manual clock, plus
 * restart and crash helpers. Registered with {@code @RegisterExtension}, before each test it makes
 * a fresh temporary directory and starts the manager on it (unless {@link #startedByTest()});
 * after the test it closes every manager it started, crash copies included, and deletes the
 * directory. A "crash" is simulated by copying the live directories (what the disk holds at that
 * moment) and starting a new manager on the copy, which finds no clean-shutdown marker.
 */
final class TestLogs implements BeforeEachCallback, AfterEachCallback {

    static final long HOUR = 3_600_000L;
    /**
     * log.open.files.max and log.mapped.indexes.max of the tests' managers: small, so that every
     * log test also runs with segment files and index mappings being released and reopened.
     */
    static final int CACHE_CAPACITY = 8;

    final ManualClock clock;
    final FileChannelFactory channels;
    final Map<String, LogConfig> topics = new HashMap<>();
    /** The test's temporary directory, holding the log directories and those of the copies. */
    Path root;
    /** The log directories, {@code data0}... in {@link #root}. */
    List<Path> dirs;

    LogManager manager;

    private final int logDirs;
    /** The cleaner threads' settings; the default runs them with Kafka's 15 s backoff. */
    private CleanerConfig cleaner = CleanerConfig.defaults();
    /** Zero-filled space ahead of active segments ({@link SegmentPrefill}); the broker's default. */
    private int preallocateBytes = LogManagerConfig.DEFAULT_PREALLOCATE_BYTES;
    /** log.flush.threads; the broker's default. */
    private int flushThreads = LogManagerConfig.DEFAULT_FLUSH_THREADS;
    /** log.open.files.max and log.mapped.indexes.max. */
    private int openFilesMax = CACHE_CAPACITY;

    private int mappedIndexesMax = CACHE_CAPACITY;

    private boolean startBeforeEach = true;
    private final List<TestLogs> others = new ArrayList<>();

    /** One log directory, real file channels. */
    TestLogs() {
        this(1, FileChannelFactory.DEFAULT);
    }

    TestLogs(int logDirs, FileChannelFactory channels) {
        this(logDirs, new ManualClock(), channels);
    }

    private TestLogs(int logDirs, ManualClock clock, FileChannelFactory channels) {
        this.logDirs = logDirs;
        this.clock = clock;
        this.channels = channels;
    }

    /** The test configures the manager and calls {@link #start()} itself. */
    TestLogs startedByTest() {
        startBeforeEach = false;
        return this;
    }

    /** Cleaner settings from the next {@link #start()}. */
    TestLogs withCleaner(CleanerConfig cleaner) {
        this.cleaner = cleaner;
        return this;
    }

    /** Preallocation from the next {@link #start()} (0: none). */
    TestLogs withPreallocateBytes(int preallocateBytes) {
        this.preallocateBytes = preallocateBytes;
        return this;
    }

    /** Flush threads from the next {@link #start()}. */
    TestLogs withFlushThreads(int flushThreads) {
        this.flushThreads = flushThreads;
        return this;
    }

    /** Bounds of open segment files and index mappings from the next {@link #start()}. */
    TestLogs withCaches(int openFilesMax, int mappedIndexesMax) {
        this.openFilesMax = openFilesMax;
        this.mappedIndexesMax = mappedIndexesMax;
        return this;
    }

    /** Channels for tests that build segments, indexes or cleaners without a manager. */
    static SegmentChannels segmentChannels() {
        return new SegmentChannels(FileChannelFactory.DEFAULT, CACHE_CAPACITY, CACHE_CAPACITY);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        useRoot(Files.createTempDirectory("millrace-logs"));
        if (startBeforeEach) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
        FileDeleter.deleteTree("the test's directory", root);
    }

    private void useRoot(Path root) {
        this.root = root;
        this.dirs = new ArrayList<>();
        for (int i = 0; i < logDirs; i++) {
            dirs.add(root.resolve("data" + i));
        }
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
                new LogManagerConfig(
                        dirs,
                        HOUR,
                        HOUR,
                        HOUR,
                        HOUR,
                        cleaner,
                        flushThreads,
                        preallocateBytes,
                        openFilesMax,
                        mappedIndexesMax),
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

    /**
     * Another manager, not started, over new log directories in this test's directory: the same
     * clock and settings, no topics. Closed after the test.
     */
    TestLogs another(int logDirs, FileChannelFactory channels) {
        TestLogs other = new TestLogs(logDirs, clock, channels);
        other.useRoot(root.resolve("other" + others.size()));
        other.cleaner = cleaner;
        other.preallocateBytes = preallocateBytes;
        other.flushThreads = flushThreads;
        other.openFilesMax = openFilesMax;
        other.mappedIndexesMax = mappedIndexesMax;
        others.add(other);
        return other;
    }

    /** A manager, not started, on a copy of the current files, as if the machine had crashed now. */
    TestLogs crashCopy() throws IOException {
        TestLogs copy = another(dirs.size(), FileChannelFactory.DEFAULT);
        copy.topics.putAll(topics);
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

    /** Closes the other managers, then this one. */
    private void close() {
        others.forEach(TestLogs::close);
        if (manager != null) {
            manager.close();
        }
    }

    // ---- helpers for tests ----

    /**
     * Appends {@code n} one-record batches holding value-0 .. value-{n-1}, waits until they are
     * durable, and returns each batch's size.
     */
    List<Integer> fill(PartitionLog log, int n) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteBuffer b = TestBatches.batch(clock.milliseconds(), "value-" + i);
            sizes.add(b.remaining());
            append(log, b);
        }
        awaitDurable(log);
        return sizes;
    }

    /** Flips the lowest bit of the byte at {@code position} of {@code file} (damage for recovery tests). */
    static void flipByte(Path file, long position) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x01);
        }
    }

    /** Every record from the log start to the durable offset, read as a consumer would. */
    static List<Entry> readAll(PartitionLog log) throws IOException {
        List<Entry> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.durableOffset()) {
            LogReadResult r = log.read(next, 1 << 20, true);
            assertThat(r.error()).isEqualTo(Errors.NONE);
            List<MutableRecordBatch> batches = TestBatches.batchesOf(r.records());
            if (batches.isEmpty()) {
                break;
            }
            out.addAll(TestBatches.entriesOf(r.records()));
            next = batches.get(batches.size() - 1).nextOffset();
        }
        return out;
    }

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
