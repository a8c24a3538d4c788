package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * of 127.0.0.1, with a fresh data directory. Every start writes the process's stdout and stderr
 * to {@code target/broker-logs/<name>-<n>.log}.
 *
 * <p>{@link #kill9()} and {@link #restart()} keep the port and the data directory, so clients
 * reconnect to the same address and find the same data.
 */
final class BrokerProcess implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);
    private static final int SIGKILL_EXIT_CODE = 128 + 9;
    private static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();

    private final String name;
    private final boolean viaLauncher;
    private final Map<String, String> overrides;
    private final Map<String, String> environment;
    private final boolean dataDirFromEnvironment;
    private final boolean withSchemaModule;
    private final int port;
    private final Path dataDir;
    private Process process;
    private Path logFile;

    private BrokerProcess(Builder builder, int port, Path dataDir) {
        this.name = builder.name;
        this.viaLauncher = builder.viaLauncher;
        this.overrides = new LinkedHashMap<>(builder.overrides);
        this.environment = new LinkedHashMap<>(builder.environment);
        this.dataDirFromEnvironment = builder.dataDirFromEnvironment;
        this.withSchemaModule = builder.withSchemaModule;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** @param name names the log files; use the test class's simple name */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /** A broker with default settings, ready to serve. */
    static BrokerProcess start(String name) {
        return builder(name).start();
    }

    String bootstrap() {
        return HOST + ":" + port;
    }

    int port() {
        return port;
    }

    Path dataDir() {
        return dataDir;
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Everything the current (or last) process printed so far. */
    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of the current (or last) process's output. */
    String logTail(int lines) {
        return tail(logFile, lines);
    }

    /** Kills the broker with SIGKILL: no shutdown hook, no flush, no chance to clean up. */
    void kill9() {
        assertThat(System.getProperty("os.name"))
                .as("Process.destroyForcibly() sends SIGKILL only on Unix")
                .containsIgnoringCase("linux");
        process.destroyForcibly();
        int exitCode = waitForExit(process, SHUTDOWN_TIMEOUT);
        assertThat(exitCode)
                .as("exit code of the broker killed by SIGKILL (128 + 9)\n" + logTail(40))
                .isEqualTo(SIGKILL_EXIT_CODE);
    }

    /** Starts the broker again on the same port and data directory and waits until it serves. */
    void restart() {
        if (isAlive()) {
            throw new IllegalStateException("The broker is still running");
        }
        launch();
    }

    /** Stops the broker with SIGTERM and asserts that it shut down cleanly (exit code 0). */
    void stop() {
        if (!isAlive()) {
            throw new AssertionError(
                    "The broker is not running (exit code " + process.exitValue() + ")\n" + logTail(60));
        }
        process.destroy();
        int exitCode = waitForExit(process, SHUTDOWN_TIMEOUT);
        assertThat(exitCode)
                .as("exit code of the broker after SIGTERM\n" + logTail(60))
                .isZero();
    }

    /**
     * For {@code @AfterAll}: stops a running broker cleanly (asserting a clean exit), then deletes
     * its data. Does nothing for a broker that never started.
     */
    static void stopAndClose(BrokerProcess broker) {
        if (broker == null) {
            return;
        }
        try {
            broker.stop();
        } finally {
            broker.close();
        }
    }

    /** Kills the broker if it still runs and deletes its data; for cleanup after a test. */
    @Override
    public void close() {
        if (isAlive()) {
            process.destroyForcibly();
            waitForExit(process, SHUTDOWN_TIMEOUT);
        }
        deleteRecursively(dataDir);
    }

    private void launch() {
        int n = STARTS.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        logFile = ItEnvironment.brokerLogs().resolve(name + "-" + n + ".log");
        List<String> command = new ArrayList<>();
        Path workDir;
        if (viaLauncher) {
            workDir = ItEnvironment.repoRoot();
            command.add(workDir.resolve("millrace").toString());
        } else {
            Path target = ItEnvironment.brokerTarget();
            workDir = dataDir.getParent();
            command.add(ItEnvironment.javaExecutable());
            command.add("-Xmx1g");
            command.add("-cp");
            String classpath = brokerJar(target) + java.io.File.pathSeparator + target.resolve("lib") + "/*";
            if (withSchemaModule) {
                Path schema = ItEnvironment.schemaTarget();
                classpath += java.io.File.pathSeparator + moduleJar(schema, "schema-") + java.io.File.pathSeparator
                        + schema.resolve("lib") + "/*";
            }
            command.add(classpath);
            command.add("io.millrace.broker.Main");
        }
        command.add("start");
        Map<String, String> effective = new LinkedHashMap<>();
        effective.put("listeners", "PLAINTEXT://" + HOST + ":" + port);
        if (!dataDirFromEnvironment) {
            effective.put("log.dirs", dataDir.toString());
        }
        effective.putAll(overrides);
        effective.forEach((key, value) -> {
            command.add("--override");
            command.add(key + "=" + value);
        });
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        if (dataDirFromEnvironment) {
            builder.environment().put("MILLRACE_LOG_DIRS", dataDir.toString());
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the broker: " + command, e);
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
                        + logFile + ")\n" + logTail(60));
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
                + STARTUP_TIMEOUT + "; last error: " + last + " (" + logFile + ")\n" + logTail(60));
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

    private static Path brokerJar(Path target) {
        return moduleJar(target, "broker-core-");
    }

    private static Path moduleJar(Path target, String prefix) {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                        String f = p.getFileName().toString();
                        return f.startsWith(prefix)
                                && f.endsWith(".jar")
                                && !f.endsWith("-sources.jar")
                                && !f.endsWith("-tests.jar")
                                && !f.endsWith("-javadoc.jar");
                    })
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("No " + prefix + "*.jar in " + target
                            + "; build it with: mvn -B -pl broker-core,schema -am package -DskipTests"));
        } catch (IOException e) {
            throw new AssertionError(
                    "No build in " + target + "; build it with: mvn -B -pl broker-core,schema -am package -DskipTests",
                    e);
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

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "--- last " + Math.min(lines, all.size()) + " lines of " + file + " ---\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    /** Settings of a broker to start. */
    static final class Builder {
        private final String name;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean viaLauncher;
        private boolean dataDirFromEnvironment;
        private boolean withSchemaModule;

        private Builder(String name) {
            this.name = name;
        }

        /** Passed as {@code --override key=value} after the listener and data directory. */
        Builder override(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Start through the repository's {@code ./millrace start} instead of {@code java -cp}. */
        Builder viaLauncher() {
            this.viaLauncher = true;
            return this;
        }

        /**
         * Put the schema module on the classpath (as {@code ./millrace start} does), so the broker
         * runs the schema registry extension on {@code registryPort}.
         */
        Builder withSchemaRegistry(int registryPort) {
            this.withSchemaModule = true;
            overrides.put("schema.registry.listeners", "http://" + HOST + ":" + registryPort);
            return this;
        }

        /** Pass the data directory as {@code MILLRACE_LOG_DIRS} instead of an override. */
        Builder dataDirFromEnvironment() {
            this.dataDirFromEnvironment = true;
            return this;
        }

        /** Starts the broker and waits until it answers Metadata. */
        BrokerProcess start() {
            Path dataDir;
            try {
                Path parent = ItEnvironment.brokerLogs().resolveSibling("broker-data");
                Files.createDirectories(parent);
                dataDir = Files.createTempDirectory(parent, name + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            BrokerProcess broker = new BrokerProcess(this, freePort(), dataDir);
            broker.launch();
            return broker;
        }
    }
}
