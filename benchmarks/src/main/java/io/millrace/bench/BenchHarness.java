package io.millrace.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs every workload on every broker configuration, one broker at a time, alternating brokers
 * round by round (A B C A B C ...). Each broker session starts a fresh broker on a fresh data
 * directory, creates the topics, warms up, runs the workloads in {@link Workload} order measuring
 * the broker process's CPU time and peak RSS around each, then stops the broker and deletes its
 * data (its log is kept under {@code <workDir>/logs}).
 *
 * <p>The fixed-rate latency workload runs at half the reference broker's median acks=all
 * throughput measured so far, the same rate for every broker of the round, so each sees the same
 * offered load. The reference runs first in each round.
 *
 * <p>Not thread-safe; one run per instance.
 */
final class BenchHarness {

    private static final String TOPIC_WARMUP = "bench-warmup";
    private static final String TOPIC_ACKS_1 = "bench-acks1";
    private static final String TOPIC_ACKS_ALL = "bench-acksall";
    private static final String TOPIC_LATENCY_1 = "bench-latency-1inflight";
    private static final String TOPIC_LATENCY_RATE = "bench-latency-fixedrate";

    private final BenchSettings settings;
    private final BenchEnvironment env;
    private final PrintStream progress;
    private final List<Measurement> measurements = new ArrayList<>();
    private final Map<Integer, Double> fixedRates = new TreeMap<>();
    private final List<BenchResult.ThreadCpu> threadCpu = new ArrayList<>();
    private JfrControl jfr;

    BenchHarness(BenchSettings settings, BenchEnvironment env, PrintStream progress) {
        this.settings = settings;
        this.env = env;
        this.progress = progress;
    }

    BenchResult run() throws IOException, InterruptedException {
        Instant started = Instant.now();
        Files.createDirectories(settings.workDir().resolve("logs"));
        if (settings.profile()) {
            jfr = new JfrControl(env, settings.workDir().resolve("jfr-" + settings.name()));
        }
        for (int round = 1; round <= settings.rounds(); round++) {
            for (BrokerSetup setup : settings.brokers()) {
                session(setup, round);
            }
        }
        return new BenchResult(
                settings,
                started,
                Instant.now(),
                List.copyOf(measurements),
                Map.copyOf(fixedRates),
                jfr == null ? List.of() : jfr.recordings(),
                List.copyOf(threadCpu));
    }

    private void session(BrokerSetup setup, int round) throws IOException, InterruptedException {
        Path dir = settings.workDir().resolve("r" + round + "-" + setup.id());
        deleteRecursively(dir);
        progress.printf("[round %d/%d] starting %s%n", round, settings.rounds(), setup.description());
        try (BrokerProcess broker = BrokerProcess.start(setup, env, settings.jvmFlags(), dir)) {
            String bootstrap = broker.bootstrap();
            try (Admin admin = broker.admin()) {
                BenchClients.createTopic(admin, TOPIC_WARMUP, settings.partitions());
                BenchClients.createTopic(admin, TOPIC_ACKS_1, settings.partitions());
                BenchClients.createTopic(admin, TOPIC_ACKS_ALL, settings.partitions());
                BenchClients.createTopic(admin, TOPIC_LATENCY_1, 1);
                BenchClients.createTopic(admin, TOPIC_LATENCY_RATE, settings.partitions());
            }
            // Both produce paths (acks=all adds idempotence and the durability wait), so the JIT has
            // compiled them before the first measurement rather than during it.
            for (String acks : new String[] {"1", "all"}) {
                ThroughputWorkloads.produce(
                        bootstrap, TOPIC_WARMUP, acks, settings.producers(), settings.recordSize(), settings.warmup());
            }
            for (Workload w : Workload.values()) {
                Measurement m = measure(broker, round, w);
                measurements.add(m);
                progress.printf(
                        "  %-45s %s  (cores used by the harness %s, the kernel %s, other processes %s)%n",
                        w.title(),
                        summary(m),
                        Stats.format(m.harnessCpuCores()),
                        Stats.format(m.kernelCpuCores()),
                        Stats.format(m.otherCpuCores()));
            }
        } finally {
            Path log = dir.resolve("broker.log");
            if (Files.exists(log)) {
                Files.copy(
                        log,
                        settings.workDir().resolve("logs").resolve("r" + round + "-" + setup.id() + ".log"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            deleteRecursively(dir);
        }
    }

    private Measurement measure(BrokerProcess broker, int round, Workload w) throws IOException, InterruptedException {
        long pid = broker.pid();
        boolean profiled = jfr != null && broker.setup() == BrokerSetup.MILLRACE;
        if (profiled) {
            jfr.start(pid, w.id() + "-r" + round);
        }
        ProcStats.resetPeakRss(pid);
        long self = ProcessHandle.current().pid();
        ProcStats.MachineCpu machineBefore = ProcStats.machineCpu();
        long selfBefore = ProcStats.cpuNanos(self);
        long wallBefore = System.nanoTime();
        long cpuBefore = ProcStats.cpuNanos(pid);
        Map<String, long[]> threadsBefore = settings.profile() ? ProcStats.threadCpuNanos(pid) : Map.of();
        Map<Figure, Double> figures = new EnumMap<>(Figure.class);
        org.HdrHistogram.Histogram histogram = null;
        double megabytes;
        String bootstrap = broker.bootstrap();
        switch (w) {
            case PRODUCE_ACKS_1, PRODUCE_ACKS_ALL, CONSUME -> {
                ThroughputWorkloads.Throughput t = switch (w) {
                    case PRODUCE_ACKS_1 ->
                        ThroughputWorkloads.produce(
                                bootstrap,
                                TOPIC_ACKS_1,
                                "1",
                                settings.producers(),
                                settings.recordSize(),
                                settings.produceDuration());
                    case PRODUCE_ACKS_ALL ->
                        ThroughputWorkloads.produce(
                                bootstrap,
                                TOPIC_ACKS_ALL,
                                "all",
                                settings.producers(),
                                settings.recordSize(),
                                settings.produceDuration());
                    default -> ThroughputWorkloads.consume(bootstrap, TOPIC_ACKS_ALL, settings.consumers());
                };
                figures.put(Figure.MB_PER_S, t.megabytesPerSecond());
                figures.put(Figure.RECORDS_PER_S, t.recordsPerSecond());
                megabytes = t.bytes() / 1e6;
            }
            default -> {
                LatencyWorkloads.Latency l = w == Workload.LATENCY_ONE_IN_FLIGHT
                        ? LatencyWorkloads.oneInFlight(
                                bootstrap, TOPIC_LATENCY_1, settings.recordSize(), settings.latencyDuration())
                        : LatencyWorkloads.fixedRate(
                                bootstrap,
                                TOPIC_LATENCY_RATE,
                                settings.producers(),
                                settings.recordSize(),
                                settings.latencyDuration(),
                                fixedRate(round));
                histogram = l.histogram();
                figures.put(Figure.P50_MS, histogram.getValueAtPercentile(50) / 1000.0);
                figures.put(Figure.P99_MS, histogram.getValueAtPercentile(99) / 1000.0);
                figures.put(Figure.P999_MS, histogram.getValueAtPercentile(99.9) / 1000.0);
                figures.put(Figure.MAX_MS, histogram.getMaxValue() / 1000.0);
                figures.put(Figure.RECORDS_PER_S, l.recordsPerSecond());
                megabytes = l.received() * (double) settings.recordSize() / 1e6;
            }
        }
        long cpuAfter = ProcStats.cpuNanos(pid);
        long selfAfter = ProcStats.cpuNanos(self);
        ProcStats.MachineCpu machineAfter = ProcStats.machineCpu();
        long wall = System.nanoTime() - wallBefore;
        long peak = ProcStats.peakRssBytes(pid);
        if (settings.profile()) {
            threadCpu.add(new BenchResult.ThreadCpu(
                    broker.setup(),
                    round,
                    w,
                    BenchResult.ThreadCpu.delta(threadsBefore, ProcStats.threadCpuNanos(pid)),
                    wall));
        }
        double otherCores = Double.NaN;
        double kernelCores = Double.NaN;
        if (machineBefore != null && machineAfter != null && selfBefore >= 0 && cpuBefore >= 0) {
            long kernelThreads = machineAfter.kernelThreadNanos() - machineBefore.kernelThreadNanos();
            long tasks = machineAfter.taskNanos() - machineBefore.taskNanos();
            long others = Math.max(0, tasks - (selfAfter - selfBefore) - (cpuAfter - cpuBefore) - kernelThreads);
            otherCores = (others + machineAfter.stealNanos() - machineBefore.stealNanos()) / (double) wall;
            kernelCores =
                    (kernelThreads + machineAfter.interruptNanos() - machineBefore.interruptNanos()) / (double) wall;
        }
        if (profiled) {
            // Each recording covers its own workload only, not the rest of the broker session.
            jfr.stop(pid, w.id() + "-r" + round);
        }
        if (cpuBefore >= 0 && cpuAfter >= 0) {
            double cpuSeconds = (cpuAfter - cpuBefore) / 1e9;
            figures.put(Figure.BROKER_CPU_S, cpuSeconds);
            if (megabytes > 0) {
                figures.put(Figure.CPU_MS_PER_MB, cpuSeconds * 1000 / megabytes);
            }
        }
        if (peak >= 0) {
            figures.put(Figure.PEAK_RSS_MB, peak / 1e6);
        }
        if (!broker.isAlive()) {
            throw new IllegalStateException(
                    broker.setup().label() + " exited during " + w.title() + "; see " + broker.logFile());
        }
        double harnessCores = selfBefore < 0 ? Double.NaN : (selfAfter - selfBefore) / (double) wall;
        return new Measurement(broker.setup(), round, w, figures, histogram, otherCores, kernelCores, harnessCores);
    }

    /** Half the reference broker's median acks=all throughput so far, in records per second. */
    private double fixedRate(int round) {
        double rate = fixedRates.computeIfAbsent(round, r -> {
            if (settings.fixedRate() > 0) {
                return settings.fixedRate();
            }
            List<Double> throughputs = measurements.stream()
                    .filter(m -> m.setup() == settings.reference() && m.workload() == Workload.PRODUCE_ACKS_ALL)
                    .map(m -> m.figures().get(Figure.RECORDS_PER_S))
                    .toList();
            if (throughputs.isEmpty()) {
                throw new IllegalStateException("No acks=all throughput of the reference broker "
                        + settings.reference().label() + " yet: it must run first in each round");
            }
            return Stats.median(throughputs) / 2;
        });
        return rate;
    }

    private static String summary(Measurement m) {
        StringBuilder b = new StringBuilder();
        for (Figure f : m.workload().figures()) {
            Double v = m.figures().get(f);
            if (v != null) {
                b.append(f.header()).append(' ').append(Stats.format(v)).append("  ");
            }
        }
        return b.toString().trim();
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }
}
