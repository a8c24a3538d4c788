package io.millrace.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * A Millrace broker running as a separate JVM, as users run it: started from
 * {@code broker-core/target} (or through the {@code millrace} launcher), listening on a free port
 * of 127.0.0.1, with a fresh data directory under {@code target/broker-data}. Every start writes
 * the process's stdout and stderr to {@code target/broker-logs/<name>-<n>.log} (see
 * {@link TestEnvironment#brokerLogs()}).
 *
 * <p>{@link #kill9()} and {@link #restart()} keep the port and the data directory, so clients
 * reconnect to the same address and find the same data. A broker built with
 * {@link Builder#openFileLimit(int)} runs under that limit of open files at every start;
 * {@link #openFileCount()}, {@link #threadCount()} and {@link #rssBytes()} tell what it holds.
 *
 * <p>A test class that wants one broker for its tests registers a {@link MillraceBroker}; this class
 * is for tests that run several brokers or start one in the middle of a test (close it with
 * {@link #stopAndClose()} or try-with-resources). Not thread-safe: the test thread drives it.
 */
public final class BrokerProcess implements AutoCloseable {

    /** The address every broker listens on. */
    public static final String HOST = "127.0.0.1";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);
    private static final int SIGKILL_EXIT_CODE = 128 + 9;
    private static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();

    private final String name;
    private final boolean viaLauncher;
    private final boolean withSchemaModule;
    private final boolean dataDirFromEnvironment;
    /** The broker's limit of open files ({@code ulimit -n}), or 0 to inherit this JVM's. */
    private final int openFileLimit;

    private final Map<String, String> settings;
    private final Map<String, String> environment;
    private final int port;
    private final int registryPort;
    private final Path dataDir;
    private final List<Path> logFiles = new ArrayList<>();
    private Process process;
    /** Whether the last process ended through {@link #stop()} or {@link #kill9()}, not by itself. */
    private boolean endedByTest;

    private BrokerProcess(Builder builder, String name, Path dataDir) {
        this.name = name;
        this.viaLauncher = builder.viaLauncher;
        this.withSchemaModule = builder.withSchemaRegistry;
        this.dataDirFromEnvironment = builder.dataDirFromEnvironment;
        this.openFileLimit = builder.openFileLimit;
        this.environment = new LinkedHashMap<>(builder.environment);
        this.port = freePort();
        this.registryPort = builder.withSchemaRegistry ? freePort() : -1;
        this.dataDir = dataDir;
        this.settings = new LinkedHashMap<>();
        settings.put("listeners", "PLAINTEXT://" + HOST + ":" + port);
        if (!dataDirFromEnvironment) {
            settings.put("log.dirs", dataDir.toString());
        }
        if (withSchemaModule) {
            settings.put("schema.registry.listeners", registryUrl());
        }
        settings.putAll(builder.overrides);
    }

    /**
     * Settings of a broker to start.
     *
     * @param name names the log and data files; use the test class's simple name
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A broker with default settings, ready to serve. */
    public static BrokerProcess start(String name) {
        return builder(name).start();
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrap() {
        return HOST + ":" + port;
    }

    /** The Kafka listener's port; the same across restarts. */
    public int port() {
        return port;
    }

    /** The data directory ({@code log.dirs}); the same across restarts. */
    public Path dataDir() {
        return dataDir;
    }

    /** The base URL of the schema registry the broker runs ({@link Builder#withSchemaRegistry()}). */
    public String registryUrl() {
        if (!withSchemaModule) {
            throw new IllegalStateException(
                    "The broker " + name + " runs no schema registry: use withSchemaRegistry()");
        }
        return "http://" + HOST + ":" + registryPort;
    }

    /** The output file of the current (or last) process. */
    public Path logFile() {
        return logFiles.get(logFiles.size() - 1);
    }

    /** The output files of every start, oldest first. */
    public List<Path> logFiles() {
        return List.copyOf(logFiles);
    }

    /** Whether the broker process runs. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The pid of the broker's JVM (the current or last one); a restart gives a new one. */
    public long pid() {
        return process.pid();
    }

    /** How many file descriptors (files, sockets, pipes) the running broker has open now. */
    public int openFileCount() {
        return ProcFs.openFileCount(runningPid());
    }

    /** How many threads the running broker has now. */
    public int threadCount() {
        return ProcFs.threadCount(runningPid());
    }

    /** The running broker's resident set size now, in bytes. */
    public long rssBytes() {
        return ProcFs.rssBytes(runningPid());
    }

    /** Everything the current (or last) process printed so far. */
    public String log() {
        try {
            return Files.readString(logFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of the current (or last) process's output. */
    public String logTail(int lines) {
        return BrokerLogs.tail(logFile(), lines);
    }

    /** Kills the broker with SIGKILL: no shutdown hook, no flush, no chance to clean up. */
    public void kill9() {
        assertThat(System.getProperty("os.name"))
                .as("Process.destroyForcibly() sends SIGKILL only on Unix")
                .containsIgnoringCase("linux");
        process.destroyForcibly();
        endedByTest = true;
        int exitCode = waitForExit(process, SHUTDOWN_TIMEOUT);
        assertThat(exitCode)
                .as("exit code of the broker killed by SIGKILL (128 + 9)\n" + logTail(40))
                .isEqualTo(SIGKILL_EXIT_CODE);
    }

    /** Starts the broker again on the same port and data directory and waits until it serves. */
    public void restart() {
        if (isAlive()) {
            throw new IllegalStateException("The broker is still running");
        }
        launch();
    }

    /** Stops the broker with SIGTERM and asserts that it shut down cleanly (exit code 0). */
    public void stop() {
        if (!isAlive()) {
            throw new AssertionError(
                    "The broker is not running (exit code " + process.exitValue() + ")\n" + logTail(60));
        }
        process.destroy();
        endedByTest = true;
        int exitCode = waitForExit(process, SHUTDOWN_TIMEOUT);
        assertThat(exitCode)
                .as("exit code of the broker after SIGTERM\n" + logTail(60))
                .isZero();
    }

    /**
     * Ends the broker after its tests, then deletes its data: stops it cleanly (asserting a clean
     * exit) if it runs, and fails if it exited without the test stopping or killing it.
     */
    public void stopAndClose() {
        try {
            if (isAlive()) {
                stop();
            } else if (!endedByTest) {
                throw new AssertionError(
                        "The broker exited by itself with code " + process.exitValue() + "\n" + logTail(60));
            }
        } finally {
            close();
        }
    }

    /** Kills the broker if it still runs and deletes its data; for cleanup after a failure. */
    @Override
    public void close() {
        if (isAlive()) {
            process.destroyForcibly();
            waitForExit(process, SHUTDOWN_TIMEOUT);
        }
        deleteRecursively(dataDir);
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long runningPid() {
        if (!isAlive()) {
            throw new IllegalStateException("The broker " + name + " is not running");
        }
        return process.pid();
    }

    private void launch() {
        int n = STARTS.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        Path logFile = TestEnvironment.brokerLogs().resolve(name + "-" + n + ".log");
        List<String> command = new ArrayList<>();
        Path workDir;
        if (viaLauncher) {
            workDir = TestEnvironment.repoRoot();
            command.add(workDir.resolve("millrace").toString());
        } else {
            workDir = dataDir.getParent();
            command.add(TestEnvironment.javaExecutable());
            command.add("-Xmx1g");
            command.add("-cp");
            command.add(
                    withSchemaModule
                            ? TestEnvironment.brokerClasspath() + File.pathSeparator + TestEnvironment.schemaClasspath()
                            : TestEnvironment.brokerClasspath());
            command.add("io.millrace.broker.Main");
        }
        command.add("start");
        settings.forEach((key, value) -> {
            command.add("--override");
            command.add(key + "=" + value);
        });
        List<String> launched = openFileLimit > 0 ? OpenFileLimit.wrap(openFileLimit, command) : command;
        ProcessBuilder builder = new ProcessBuilder(launched)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        if (dataDirFromEnvironment) {
            builder.environment().put("MILLRACE_LOG_DIRS", dataDir.toString());
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "# " + String.join(" ", launched) + "\n", StandardCharsets.UTF_8);
            logFiles.add(logFile);
            endedByTest = false;
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the broker: " + launched, e);
        }
        awaitReady();
        if (withSchemaModule) {
            // the registry extension starts once the Kafka listener serves
            Await.until("the schema registry inside " + name + " to listen (" + logFile + ")", STARTUP_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("The broker exited during startup\n" + logTail(60));
                }
                return log().contains("Schema registry listening on");
            });
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new AssertionError("The broker exited during startup with code " + process.exitValue() + " ("
                        + logFile() + ")\n" + logTail(60));
            }
            try {
                if (servesMetadata()) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                last = e;
            }
            Await.pause();
        }
        process.destroyForcibly();
        AssertionError failure = new AssertionError("The broker did not answer Metadata on " + bootstrap() + " within "
                + STARTUP_TIMEOUT + "; last error: " + last + " (" + logFile() + ")\n" + logTail(60));
        failure.initCause(last);
        throw failure;
    }

    /** Whether the broker answers ApiVersions and a Metadata request that names itself. */
    private boolean servesMetadata() throws IOException {
        try (RawKafkaConnection connection = RawKafkaConnection.open(HOST, port, Duration.ofSeconds(5))) {
            ApiVersionsResponseData versions = connection.apiVersions();
            if (versions.errorCode() != Errors.NONE.code()) {
                return false;
            }
            short version = RawKafkaConnection.newestCommonVersion(versions, ApiKeys.METADATA);
            if (version < 0) {
                throw new IOException("The broker does not advertise a Metadata version this client knows");
            }
            MetadataRequestData request =
                    new MetadataRequestData().setTopics(new ArrayList<>()).setAllowAutoTopicCreation(false);
            MetadataResponseData metadata = (MetadataResponseData) connection.send(request, version);
            return metadata.brokers().stream().anyMatch(b -> b.port() == port);
        }
    }

    private static int waitForExit(Process process, Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError("The broker did not exit within " + timeout + " and was killed");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the broker to exit", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: the data lives under target/ and goes with mvn clean
        }
    }

    /**
     * Settings of a broker: {@link #start()} starts one now; {@link #build()} makes a
     * {@link MillraceBroker} extension that starts one for a test class or for each test.
     */
    public static final class Builder {
        private final String name;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean viaLauncher;
        private boolean dataDirFromEnvironment;
        private boolean withSchemaRegistry;
        private int openFileLimit;

        Builder(String name) {
            this.name = name;
        }

        /** Passed as {@code --override key=value} after the listener and data directory. */
        public Builder override(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** An environment variable of the broker process. */
        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Start through the repository's {@code ./millrace start} instead of {@code java -cp}. */
        public Builder viaLauncher() {
            this.viaLauncher = true;
            return this;
        }

        /**
         * Put the schema module on the classpath (as {@code ./millrace start} does), so the broker
         * runs the schema registry extension on a free port ({@link BrokerProcess#registryUrl()}),
         * and wait for the registry too before the broker counts as started.
         */
        public Builder withSchemaRegistry() {
            this.withSchemaRegistry = true;
            return this;
        }

        /** Pass the data directory as {@code MILLRACE_LOG_DIRS} instead of an override. */
        public Builder dataDirFromEnvironment() {
            this.dataDirFromEnvironment = true;
            return this;
        }

        /**
         * Run the broker under a limit of {@code limit} open files, soft and hard, at every start, as
         * {@code ulimit -n limit} before it would (see {@link OpenFileLimit}). Starting fails, saying
         * why, if the hard limit of this machine's shell ({@code ulimit -Hn}) is lower.
         */
        public Builder openFileLimit(int limit) {
            if (limit <= 0) {
                throw new IllegalArgumentException("An open-file limit must be positive, not " + limit);
            }
            this.openFileLimit = limit;
            return this;
        }

        /** Starts the broker and waits until it answers Metadata. */
        public BrokerProcess start() {
            if (name == null) {
                throw new IllegalStateException("A broker started directly needs a name: BrokerProcess.builder(name)");
            }
            return start(name);
        }

        /** A JUnit extension that starts a broker with these settings; see {@link MillraceBroker}. */
        public MillraceBroker build() {
            return new MillraceBroker(this);
        }

        /** The builder's own name if it has one, else {@code fallback}. */
        String nameOr(String fallback) {
            return name == null ? fallback : name;
        }

        BrokerProcess start(String brokerName) {
            if (openFileLimit > 0) {
                OpenFileLimit.requireWithinHardLimit(openFileLimit);
            }
            Path dataDir;
            try {
                Path parent = TestEnvironment.brokerLogs().resolveSibling("broker-data");
                Files.createDirectories(parent);
                dataDir = Files.createTempDirectory(parent, brokerName + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            BrokerProcess broker = new BrokerProcess(this, brokerName, dataDir);
            broker.launch();
            return broker;
        }
    }
}
