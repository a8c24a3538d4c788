package io.millrace.bench;

import io.millrace.testing.OpenFileLimit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One broker under test, running as a JVM of its own with the harness's heap and GC flags, on a
 * fresh data directory and a free port of 127.0.0.1. Millrace runs from {@code broker-core/target}
 * as the {@code millrace} launcher runs it; Apache Kafka runs as a combined broker+controller KRaft
 * node from the apache-kafka module's classpath (storage formatted first, as
 * {@code kafka-storage.sh format} does). The process's output goes to {@code broker.log} in its
 * work directory. It may run under a limit of open files ({@link OpenFileLimit}), and be stopped,
 * killed and started again on the same port and data ({@link #stop}, {@link #kill9},
 * {@link #restart}).
 *
 * <p>Not thread-safe: one thread starts, measures and stops it.
 */
final class BrokerProcess implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final BrokerSetup setup;
    private final List<String> command;
    private final Path workDir;
    private final int port;
    private final Path logFile;
    /** Kills the broker if the harness JVM exits first (Ctrl-C), so no broker outlives a run. */
    private final Thread killOnExit;
    /** The current (or last) broker process; read by {@link #killOnExit} on another thread. */
    private volatile Process process;

    private BrokerProcess(BrokerSetup setup, List<String> command, Path workDir, int port, Path logFile) {
        this.setup = setup;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.port = port;
        this.logFile = logFile;
        this.killOnExit = new Thread(() -> process.destroyForcibly(), "kill-" + setup.id());
    }

    /**
     * Starts a broker in {@code workDir} (which must be new: its {@code data/} is the log directory)
     * and waits until it answers a DescribeCluster request.
     *
     * @param jvmFlags heap, GC and any profiling flags, identical for every broker of a run
     */
    static BrokerProcess start(BrokerSetup setup, BenchEnvironment env, List<String> jvmFlags, Path workDir)
            throws IOException, InterruptedException {
        return start(setup, env, jvmFlags, 0, workDir);
    }

    /**
     * {@link #start(BrokerSetup, BenchEnvironment, List, Path)} under a limit of {@code openFileLimit}
     * open files (0 for this JVM's own), at this start and every {@link #restart}.
     */
    static BrokerProcess start(
            BrokerSetup setup, BenchEnvironment env, List<String> jvmFlags, int openFileLimit, Path workDir)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path dataDir = workDir.resolve("data");
        Path logFile = workDir.resolve("broker.log");
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(env.javaExecutable());
        command.addAll(jvmFlags);
        if (setup == BrokerSetup.MILLRACE) {
            command.addAll(List.of(
                    "-cp",
                    env.millraceClasspath(),
                    "io.millrace.broker.Main",
                    "start",
                    "--override",
                    "listeners=PLAINTEXT://" + HOST + ":" + port,
                    "--override",
                    "log.dirs=" + dataDir));
        } else {
            Path properties = writeKafkaProperties(setup, workDir, dataDir, port, freePort());
            formatKafkaStorage(env, properties, logFile);
            command.addAll(List.of(
                    "-Dlog4j2.configurationFile=" + env.kafkaLog4jConfig().toUri(),
                    "-cp",
                    env.kafkaClasspath(),
                    "kafka.Kafka",
                    properties.toString()));
        }
        BrokerProcess broker = new BrokerProcess(
                setup,
                openFileLimit > 0 ? OpenFileLimit.wrap(openFileLimit, command) : command,
                workDir,
                port,
                logFile);
        Runtime.getRuntime().addShutdownHook(broker.killOnExit);
        broker.launch(STARTUP_TIMEOUT);
        return broker;
    }

    /**
     * Starts the broker again with the same command, port and data, and waits up to {@code timeout}
     * until it answers DescribeCluster.
     */
    void restart(Duration timeout) throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException(setup.label() + " still runs");
        }
        launch(timeout);
    }

    private void launch(Duration timeout) throws IOException, InterruptedException {
        Files.writeString(
                logFile,
                "# " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        try {
            awaitReady(timeout);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A combined broker+controller node with a static single-voter quorum; replication factors of 1. */
    private static Path writeKafkaProperties(
            BrokerSetup setup, Path workDir, Path dataDir, int port, int controllerPort) throws IOException {
        StringBuilder p = new StringBuilder();
        p.append("process.roles=broker,controller\n")
                .append("node.id=1\n")
                .append("listeners=PLAINTEXT://")
                .append(HOST)
                .append(':')
                .append(port)
                .append(",CONTROLLER://")
                .append(HOST)
                .append(':')
                .append(controllerPort)
                .append('\n')
                .append("advertised.listeners=PLAINTEXT://")
                .append(HOST)
                .append(':')
                .append(port)
                .append('\n')
                .append("controller.listener.names=CONTROLLER\n")
                .append("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n")
                .append("controller.quorum.voters=1@")
                .append(HOST)
                .append(':')
                .append(controllerPort)
                .append('\n')
                .append("log.dirs=")
                .append(dataDir)
                .append('\n')
                .append("offsets.topic.replication.factor=1\n")
                .append("transaction.state.log.replication.factor=1\n")
                .append("transaction.state.log.min.isr=1\n")
                .append("share.coordinator.state.topic.replication.factor=1\n")
                .append("share.coordinator.state.topic.min.isr=1\n")
                .append("group.initial.rebalance.delay.ms=0\n");
        if (setup == BrokerSetup.KAFKA_FSYNC) {
            // The broker-wide synonym of the topic setting flush.messages: fsync after every append.
            p.append("log.flush.interval.messages=1\n");
        }
        Path file = workDir.resolve("server.properties");
        Files.writeString(file, p.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private static void formatKafkaStorage(BenchEnvironment env, Path properties, Path logFile)
            throws IOException, InterruptedException {
        List<String> command = List.of(
                env.javaExecutable(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + env.kafkaLog4jConfig().toUri(),
                "-cp",
                env.kafkaClasspath(),
                "kafka.tools.StorageTool",
                "format",
                "-t",
                randomClusterId(),
                "-c",
                properties.toString());
        Files.writeString(logFile, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        Process format = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        if (!format.waitFor(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            format.destroyForcibly();
            throw new IOException(
                    "Formatting Kafka's storage did not finish within " + STARTUP_TIMEOUT + "; see " + logFile);
        }
        if (format.exitValue() != 0) {
            throw new IOException(
                    "Formatting Kafka's storage failed with exit code " + format.exitValue() + "; see " + logFile);
        }
    }

    /**
     * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (as StorageTool
     * random-uuid), never starting with '-', which the tool's argument parser would take for an
     * option (Kafka's own {@code Uuid.randomUuid} draws again for the same reason).
     */
    static String randomClusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        // Wait for the listener first: an admin client polling a closed port logs a warning per attempt.
        while (!accepts() && System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException(
                        setup.label() + " exited during startup with code " + process.exitValue() + "; see " + logFile);
            }
            Thread.sleep(100);
        }
        try (Admin admin = admin()) {
            while (System.nanoTime() - deadline < 0) {
                if (!process.isAlive()) {
                    throw new IOException(setup.label() + " exited during startup with code " + process.exitValue()
                            + "; see " + logFile);
                }
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        }
        throw new IOException(setup.label() + " did not answer DescribeCluster on " + bootstrap() + " within " + timeout
                + " (last error: " + last + "); see " + logFile);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000));
    }

    BrokerSetup setup() {
        return setup;
    }

    String bootstrap() {
        return HOST + ":" + port;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGTERM and waits up to {@code timeout} for the broker to exit; returns its exit code.
     * A broker still running then is killed, and the stop fails.
     */
    int stop(Duration timeout) throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IOException(setup.label() + " did not exit within " + timeout + " of SIGTERM and was killed");
        }
        return process.exitValue();
    }

    /** Kills the broker with SIGKILL (no shutdown hook, no flush) and waits until it is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** The exit code of the last process; only once it has exited. */
    int exitCode() {
        return process.exitValue();
    }

    /** Stops the broker with SIGTERM (SIGKILL if it has not exited within a minute). */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook kills the broker
        }
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A port of 127.0.0.1 nobody listens on now, picked the way the test fixture picks one. */
    private static int freePort() {
        return io.millrace.testing.BrokerProcess.freePort();
    }
}
