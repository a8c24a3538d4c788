package io.millrace.bench;

import io.millrace.testing.ProcFs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;

/**
 * The scale workload (issue 13): many one-partition topics on one node, every broker under the
 * same limit of open files, one broker at a time on a fresh data directory. Per broker, in order:
 *
 * <ol>
 *   <li>create 10 topics; read its resources ({@link ScaleResult.Point#TEN_TOPICS}) and time
 *       Metadata for one topic;
 *   <li>produce and consume on a few busy topics, alone on the broker (after an unmeasured
 *       produce as long as the measured one, which warms the produce path up);
 *   <li>create the other topics in batches with the AdminClient, timing it, until all exist or
 *       the first error; wait until Metadata serves them all; time Metadata for one topic and
 *       read the resources again;
 *   <li>produce and consume on fresh busy topics, with every topic created beside them;
 *   <li>stop it with SIGTERM (timed), start it again and time how long until Metadata serves every
 *       topic; read the resources;
 *   <li>write to the busy topics, kill it with SIGKILL, start it again and time the same; read
 *       the resources.
 * </ol>
 *
 * A step that fails is recorded with what happened (and, if the broker died, the last error of its
 * log); a failure that leaves no serving broker ends that broker's session, so the report says how
 * far each broker got. The open-file limit must be within the hard limit ({@code ulimit -Hn}); the
 * command line checks that. Not thread-safe; one run per instance.
 */
final class ScaleWorkload {

    private static final String TOPIC_PREFIX = "scale-";
    private static final int METADATA_WARMUP = 100;
    private static final int METADATA_REQUESTS = 1_000;
    /** Written after the clean restart, so the kill -9 leaves data past the restart's checkpoint. */
    private static final Duration PRODUCE_BEFORE_KILL = Duration.ofSeconds(2);
    /** What a JVM that ran its shutdown hooks on SIGTERM exits with (128 + 15), as Kafka does; Millrace exits 0. */
    private static final int EXIT_ON_SIGTERM = 143;

    private final ScaleSettings settings;
    private final BenchEnvironment env;
    private final PrintStream progress;
    private final Jcmd jcmd;

    ScaleWorkload(ScaleSettings settings, BenchEnvironment env, PrintStream progress) {
        this.settings = settings;
        this.env = env;
        this.progress = progress;
        this.jcmd = new Jcmd(env);
    }

    ScaleResult run() throws IOException, InterruptedException {
        Instant started = Instant.now();
        Files.createDirectories(settings.workDir().resolve("logs"));
        List<ScaleResult.Session> sessions = new ArrayList<>();
        for (BrokerSetup setup : settings.brokers()) {
            sessions.add(new Session(setup).run());
        }
        return new ScaleResult(settings, started, Instant.now(), List.copyOf(sessions));
    }

    /** The name of idle topic {@code i}. */
    static String topic(int i) {
        return String.format(Locale.ROOT, "%s%06d", TOPIC_PREFIX, i);
    }

    /** A step of a session; its exception is recorded as the step's error. */
    private interface Step {
        void run() throws Exception;
    }

    /** One broker's run: its figures, resources and errors as they are measured. */
    private final class Session {
        private final BrokerSetup setup;
        private final Map<ScaleFigure, Double> figures = new EnumMap<>(ScaleFigure.class);
        private final Map<ScaleResult.Point, Map<ScaleResult.Resource, Double>> resources =
                new EnumMap<>(ScaleResult.Point.class);
        private final List<String> errors = new ArrayList<>();
        private BrokerProcess broker;
        private int created;
        /** Set once a failure left no running broker: every later step is skipped. */
        private boolean ended;

        Session(BrokerSetup setup) {
            this.setup = setup;
        }

        ScaleResult.Session run() throws IOException, InterruptedException {
            Path dir = settings.workDir().resolve("scale-" + setup.id());
            BenchHarness.deleteRecursively(dir);
            progress.printf(
                    "[%s] %,d topics under ulimit -n %d%n", setup.label(), settings.topics(), settings.openFileLimit());
            try {
                if (attempt(
                        "start",
                        () -> broker =
                                BrokerProcess.start(setup, env, settings.jvmFlags(), settings.openFileLimit(), dir))) {
                    try (BrokerProcess running = broker) {
                        steps();
                    }
                }
            } finally {
                Path log = dir.resolve("broker.log");
                if (Files.exists(log)) {
                    Files.copy(
                            log,
                            settings.workDir().resolve("logs").resolve("scale-" + setup.id() + ".log"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                BenchHarness.deleteRecursively(dir);
            }
            return new ScaleResult.Session(setup, Map.copyOf(figures), Map.copyOf(resources), List.copyOf(errors));
        }

        private void steps() throws InterruptedException {
            try (Admin admin = admin()) {
                if (!attempt(
                        "create the first " + ScaleSettings.FIRST_TOPICS + " topics",
                        () -> create(admin, 0, ScaleSettings.FIRST_TOPICS))) {
                    return;
                }
                measure(ScaleResult.Point.TEN_TOPICS);
                attempt(
                        "Metadata with " + ScaleSettings.FIRST_TOPICS + " topics",
                        () -> metadataLatency(ScaleFigure.METADATA_P50_AT_10, ScaleFigure.METADATA_P99_AT_10));
                attempt("warm-up", () -> warmUp(admin));
                attempt(
                        "throughput on the busy topics alone",
                        () -> throughput(admin, "alone", ScaleFigure.PRODUCE_WITHOUT, ScaleFigure.CONSUME_WITHOUT));
                attempt("create " + settings.topics() + " topics", () -> createTheRest(admin));
                if (!stillRuns()) {
                    return;
                }
                attempt("Metadata serving every topic created", () -> awaitServed(System.nanoTime()));
                attempt(
                        "Metadata with every topic created",
                        () -> metadataLatency(ScaleFigure.METADATA_P50_AT_N, ScaleFigure.METADATA_P99_AT_N));
                measure(ScaleResult.Point.ALL_TOPICS);
                heapPerIdlePartition();
                attempt(
                        "throughput beside every topic created",
                        () -> throughput(admin, "beside", ScaleFigure.PRODUCE_WITH, ScaleFigure.CONSUME_WITH));
                if (!stillRuns()) {
                    return;
                }
            }
            attempt("clean shutdown", this::cleanShutdown);
            if (!attempt("clean restart", () -> restart(ScaleFigure.CLEAN_RESTART_S))) {
                return;
            }
            measure(ScaleResult.Point.AFTER_CLEAN_RESTART);
            attempt(
                    "produce before the kill",
                    () -> ThroughputWorkloads.produce(
                            broker.bootstrap(),
                            busyTopics("alone"),
                            "all",
                            settings.producers(),
                            settings.recordSize(),
                            PRODUCE_BEFORE_KILL));
            broker.kill9();
            if (!attempt("restart after kill -9", () -> restart(ScaleFigure.KILL9_RESTART_S))) {
                return;
            }
            measure(ScaleResult.Point.AFTER_KILL9_RESTART);
        }

        /**
         * Runs a step unless the session has ended; on failure records "step: what happened" and
         * returns false, and a failure that left no running broker ends the session.
         */
        private boolean attempt(String step, Step body) throws InterruptedException {
            if (ended) {
                return false;
            }
            try {
                body.run();
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                String error = step + ": " + e;
                if (broker != null && !broker.isAlive()) {
                    ended = true;
                    error += "; the session ends: " + exited();
                }
                errors.add(error);
                progress.printf("  [%s] FAILED %s%n", setup.label(), error);
                return false;
            }
        }

        /** Whether the broker still runs; if not, ends the session saying so. */
        private boolean stillRuns() {
            if (!ended && !broker.isAlive()) {
                ended = true;
                errors.add("the broker died: " + exited());
            }
            return !ended;
        }

        private String exited() {
            return setup.label() + " exited with code " + broker.exitCode() + "; last error in its log: "
                    + lastErrorLine(broker.logFile());
        }

        private void createTheRest(Admin admin) throws IOException, InterruptedException {
            long start = System.nanoTime();
            try {
                for (int first = ScaleSettings.FIRST_TOPICS; first < settings.topics(); first += settings.batchSize()) {
                    create(admin, first, Math.min(first + settings.batchSize(), settings.topics()));
                    if ((first / settings.batchSize()) % 10 == 9) {
                        progress.printf("  [%s] %,d topics, %s/s%n", setup.label(), created, Stats.format(rate(start)));
                    }
                }
            } finally {
                double seconds = (System.nanoTime() - start) / 1e9;
                figures.put(ScaleFigure.CREATE_S, seconds);
                figures.put(ScaleFigure.CREATE_RATE, rate(start));
                progress.printf(
                        "  [%s] created %,d of %,d topics in %s s (%s/s)%n",
                        setup.label(), created, settings.topics(), Stats.format(seconds), Stats.format(rate(start)));
            }
        }

        private double rate(long startNanos) {
            return (created - ScaleSettings.FIRST_TOPICS) / ((System.nanoTime() - startNanos) / 1e9);
        }

        /** Creates topics {@code from} to {@code to - 1} in one request; fails at the first topic that fails. */
        private void create(Admin admin, int from, int to) throws IOException, InterruptedException {
            List<NewTopic> batch = new ArrayList<>();
            for (int i = from; i < to; i++) {
                batch.add(new NewTopic(topic(i), 1, (short) 1));
            }
            CreateTopicsResult result = admin.createTopics(batch, new CreateTopicsOptions().timeoutMs((int)
                            settings.stepTimeout().toMillis()));
            Throwable first = null;
            for (NewTopic topic : batch) {
                try {
                    awaitWhileRunning(result.values().get(topic.name()));
                    created++;
                } catch (ExecutionException e) {
                    first = first == null ? e.getCause() : first;
                }
            }
            figures.put(ScaleFigure.TOPICS_CREATED, (double) created);
            if (first != null) {
                throw new IOException("stopped after " + created + " topics: " + first, first);
            }
        }

        private void awaitWhileRunning(KafkaFuture<?> future)
                throws ExecutionException, IOException, InterruptedException {
            long deadline = System.nanoTime() + settings.stepTimeout().toNanos();
            while (true) {
                try {
                    future.get(1, TimeUnit.SECONDS);
                    return;
                } catch (TimeoutException e) {
                    if (!broker.isAlive()) {
                        throw new IOException("the broker died while creating topics");
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new IOException("no CreateTopics answer within " + settings.stepTimeout());
                    }
                }
            }
        }

        private void metadataLatency(ScaleFigure p50, ScaleFigure p99) throws IOException {
            try (MetadataProbe probe = MetadataProbe.open(BrokerProcess.HOST, broker.port())) {
                MetadataProbe.Latency latency = probe.oneTopic(topic(0), METADATA_WARMUP, METADATA_REQUESTS);
                figures.put(p50, latency.p50Ms());
                figures.put(p99, latency.p99Ms());
            }
        }

        private void warmUp(Admin admin) throws InterruptedException {
            ThroughputWorkloads.produce(
                    broker.bootstrap(),
                    createBusyTopics(admin, "warmup"),
                    "all",
                    settings.producers(),
                    settings.recordSize(),
                    settings.produceDuration());
        }

        private void throughput(Admin admin, String label, ScaleFigure produce, ScaleFigure consume)
                throws InterruptedException {
            List<String> topics = createBusyTopics(admin, label);
            ThroughputWorkloads.Throughput produced = ThroughputWorkloads.produce(
                    broker.bootstrap(),
                    topics,
                    "all",
                    settings.producers(),
                    settings.recordSize(),
                    settings.produceDuration());
            figures.put(produce, produced.megabytesPerSecond());
            ThroughputWorkloads.Throughput consumed =
                    ThroughputWorkloads.consume(broker.bootstrap(), topics, settings.consumers());
            figures.put(consume, consumed.megabytesPerSecond());
            progress.printf(
                    "  [%s] busy topics %s: produce %s MB/s, consume %s MB/s%n",
                    setup.label(),
                    label,
                    Stats.format(produced.megabytesPerSecond()),
                    Stats.format(consumed.megabytesPerSecond()));
        }

        private List<String> createBusyTopics(Admin admin, String label) throws InterruptedException {
            List<String> topics = busyTopics(label);
            for (String topic : topics) {
                BenchClients.createTopic(admin, topic, 1);
            }
            return topics;
        }

        private List<String> busyTopics(String label) {
            List<String> topics = new ArrayList<>();
            for (int i = 0; i < settings.busyTopics(); i++) {
                topics.add("busy-" + label + "-" + i);
            }
            return topics;
        }

        /** SIGTERM, timed until the JVM is gone; an unclean exit is recorded, not thrown. */
        private void cleanShutdown() throws IOException, InterruptedException {
            long start = System.nanoTime();
            int exitCode = broker.stop(settings.stepTimeout());
            double seconds = (System.nanoTime() - start) / 1e9;
            figures.put(ScaleFigure.CLEAN_SHUTDOWN_S, seconds);
            progress.printf(
                    "  [%s] clean shutdown in %s s, exit code %d%n", setup.label(), Stats.format(seconds), exitCode);
            if (exitCode != 0 && exitCode != EXIT_ON_SIGTERM) {
                errors.add("clean shutdown: " + exited());
            }
        }

        /** Starts the stopped broker and times it until Metadata serves every topic created. */
        private void restart(ScaleFigure figure) throws IOException, InterruptedException {
            long start = System.nanoTime();
            broker.restart(settings.stepTimeout());
            awaitServed(start);
            double seconds = (System.nanoTime() - start) / 1e9;
            figures.put(figure, seconds);
            progress.printf("  [%s] %s: %s s%n", setup.label(), figure.label(settings.topics()), Stats.format(seconds));
        }

        /** Polls Metadata until it lists every topic created with a leader; the step timeout counts from {@code start}. */
        private void awaitServed(long start) throws IOException, InterruptedException {
            long deadline = start + settings.stepTimeout().toNanos();
            int served = -1;
            IOException last = null;
            while (System.nanoTime() - deadline < 0) {
                if (!broker.isAlive()) {
                    throw new IOException("the broker died before Metadata served every topic");
                }
                try (MetadataProbe probe = MetadataProbe.open(BrokerProcess.HOST, broker.port())) {
                    served = probe.servedTopics(TOPIC_PREFIX);
                    if (served >= created) {
                        return;
                    }
                } catch (IOException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
            throw new IOException("Metadata served " + served + " of " + created + " topics after "
                    + settings.stepTimeout() + (last == null ? "" : " (last error: " + last + ")"));
        }

        /** Reads what the broker holds now: descriptors, threads and RSS first, then the heap (jcmd adds a thread). */
        private void measure(ScaleResult.Point point) throws InterruptedException {
            Map<ScaleResult.Resource, Double> held = new EnumMap<>(ScaleResult.Resource.class);
            resources.put(point, held);
            long pid = broker.pid();
            attempt("resources " + point.label(), () -> {
                held.put(ScaleResult.Resource.OPEN_FILES, (double) ProcFs.openFileCount(pid));
                held.put(ScaleResult.Resource.THREADS, (double) ProcFs.threadCount(pid));
                held.put(ScaleResult.Resource.RSS_MB, ProcFs.rssBytes(pid) / 1e6);
            });
            attempt(
                    "live heap " + point.label(),
                    () -> held.put(ScaleResult.Resource.LIVE_HEAP_MB, jcmd.liveHeapBytes(pid) / 1e6));
            List<String> shown = new ArrayList<>();
            held.forEach((resource, value) -> shown.add(resource.label() + " " + ScaleReport.number(value)));
            progress.printf("  [%s] %s: %s%n", setup.label(), point.label(), String.join(", ", shown));
        }

        /** The heap grown between 10 topics and all of them, per partition added (idle and busy). */
        private void heapPerIdlePartition() {
            double before = resources
                    .get(ScaleResult.Point.TEN_TOPICS)
                    .getOrDefault(ScaleResult.Resource.LIVE_HEAP_MB, Double.NaN);
            double after = resources
                    .get(ScaleResult.Point.ALL_TOPICS)
                    .getOrDefault(ScaleResult.Resource.LIVE_HEAP_MB, Double.NaN);
            int added = created - ScaleSettings.FIRST_TOPICS + 2 * settings.busyTopics(); // warm-up and alone
            figures.put(ScaleFigure.HEAP_PER_IDLE_PARTITION, (after - before) * 1e6 / added);
        }

        private Admin admin() {
            int timeout = (int) settings.stepTimeout().toMillis();
            return Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout));
        }
    }

    /** The last line of a broker log that reports an error, or a note that there is none. */
    static String lastErrorLine(Path log) {
        String last = "none";
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.contains("ERROR") || line.contains("FATAL") || line.contains("Exception:")) {
                    last = line.trim();
                }
            }
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
        return last;
    }
}
