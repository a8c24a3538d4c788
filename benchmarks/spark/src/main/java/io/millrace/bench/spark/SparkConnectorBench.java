package io.millrace.bench.spark;

import static io.millrace.bench.common.BenchConsole.loadAverage;
import static io.millrace.bench.common.BenchConsole.log;

import io.millrace.bench.common.BenchConsole;
import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.ProcFs;
import io.millrace.testing.TestEnvironment;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark connector benchmark: {@code format("millrace")} against spark-sql-kafka-0-10's
 * {@code format("kafka")} on the same Millrace broker in the same run. It starts one broker JVM
 * (the tests' fixture, {@link BrokerProcess}) and Spark {@code local[2]} in this JVM, both
 * connectors on one classpath with kafka-clients 4.4.0; writes the inputs once; runs every
 * workload once per connector unmeasured (warm-up), then in rounds, the connectors' order
 * alternating; checks every run's rows; and writes {@code <name>.md} and {@code <name>.json} into
 * the output directory. See benchmarks/README.md, "Spark connector benchmark".
 */
public final class SparkConnectorBench {

    private static final String INPUT_TOPIC = "spark-bench-input";
    private static final String WARMUP_TOPIC = "spark-bench-warmup";

    private final SparkBenchSettings settings;
    private final BrokerProcess broker;
    private final BenchQueries queries;

    private SparkConnectorBench(SparkBenchSettings settings, BrokerProcess broker, SparkSession spark) {
        this.settings = settings;
        this.broker = broker;
        this.queries = new BenchQueries(spark, broker.bootstrap(), settings);
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(SparkBenchSettings.USAGE);
            return;
        }
        SparkBenchSettings settings = SparkBenchSettings.parse(args, TestEnvironment.repoRoot());
        BenchConsole.brokerLogsIn(settings.workDir());
        SparkBenchReport report = run(settings);
        BenchConsole.writeReport(settings.out(), settings.name(), report.markdown(), report.json());
    }

    /** Runs every measurement of {@code settings} and returns the report. */
    static SparkBenchReport run(SparkBenchSettings settings) throws IOException {
        Files.createDirectories(settings.workDir());
        List<String> environment = new ArrayList<>();
        environment.add("Run at " + Instant.now() + " on "
                + Runtime.getRuntime().availableProcessors()
                + " cores, Java " + System.getProperty("java.version") + ", this JVM "
                + String.join(
                        " ",
                        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                                .filter(flag -> flag.startsWith("-Xm") || flag.startsWith("-XX:+Use"))
                                .toList())
                + "; broker, Spark and this driver share the cores with other sessions' builds and tests,"
                + " so absolute figures are noisy and the ratios (same JVM, alternating order) are what to"
                + " compare; load average (1, 5, 15 min) at the start: " + loadAverage());
        List<BenchRun> runs = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.builder("spark-bench").start()) {
            environment.add("Broker: Millrace from broker-core/target, default settings, on " + broker.bootstrap()
                    + "; both connectors with "
                    + Path.of(KafkaConsumer.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .getPath())
                            .getFileName());
            SparkSession spark = session(settings.workDir());
            try {
                new SparkConnectorBench(settings, broker, spark).measureAll(runs);
            } finally {
                spark.stop();
            }
            broker.stopAndClose();
        }
        environment.add("Load average (1, 5, 15 min) at the end: " + loadAverage());
        return new SparkBenchReport(settings, environment, runs);
    }

    private void measureAll(List<BenchRun> runs) throws IOException {
        if (settings.warmupRecords() > 0) {
            Inputs warmup = writeInputs(WARMUP_TOPIC, settings.warmupRecords(), settings.warmupRecords(), "warmup");
            for (Workload workload : settings.workloads()) {
                for (Connector connector : settings.order(workload, 1)) {
                    report(measure(workload, connector, 0, warmup));
                }
            }
        }
        Inputs inputs = writeInputs(INPUT_TOPIC, settings.records(), settings.sinkRecords(), "measured");
        for (int round = 1; round <= settings.rounds(); round++) {
            for (Workload workload : settings.workloads()) {
                for (Connector connector : settings.order(workload, round)) {
                    BenchRun run = measure(workload, connector, round, inputs);
                    report(run);
                    runs.add(run);
                }
            }
        }
    }

    /**
     * What the runs of one phase (warm-up or measured) read: the source's topic and records, and
     * the streaming sink's Parquet files of {@code sinkRecords} rows.
     */
    private record Inputs(String topic, long records, long sinkRecords, Path files) {}

    private Inputs writeInputs(String topic, long records, long sinkRecords, String phase) {
        Path files = settings.workDir().resolve(settings.name() + "-" + phase + "-sink-input");
        if (settings.workloads().stream().anyMatch(w -> !w.isSink())) {
            log("Writing %,d records to %s", records, topic);
            Clients.createTopic(broker.bootstrap(), topic, settings.partitions(), Map.of());
            queries.writeInput(topic, records);
        }
        if (settings.workloads().contains(Workload.SINK_STREAMING)) {
            log("Writing %,d rows to %s", sinkRecords, files);
            queries.writeFiles(files, sinkRecords);
        }
        return new Inputs(topic, records, sinkRecords, files);
    }

    private BenchRun measure(Workload workload, Connector connector, int round, Inputs inputs) throws IOException {
        String name = workload.id() + "-" + connector.id() + "-r" + round;
        String topic = workload.isSink() ? "spark-bench-" + name : inputs.topic();
        if (workload.isSink()) {
            Clients.createTopic(broker.bootstrap(), topic, settings.partitions(), Map.of());
        }
        Path checkpoint = Files.createTempDirectory(settings.workDir(), name + "-checkpoint-");
        long driverCpuBefore = processCpuNanos();
        long brokerCpuBefore = ProcFs.threadCpuMillis(broker.pid(), "");
        long start = System.nanoTime();
        BenchQueries.Counted counted;
        try {
            counted = switch (workload) {
                case SOURCE_BATCH -> queries.readBatch(connector, topic);
                case SOURCE_MICRO_BATCH -> queries.readMicroBatches(connector, topic, inputs.records(), checkpoint);
                case SINK_BATCH -> {
                    queries.writeBatch(connector, topic, inputs.sinkRecords());
                    yield new BenchQueries.Counted(inputs.sinkRecords(), -1);
                }
                case SINK_STREAMING -> {
                    queries.writeStream(connector, topic, inputs.files(), checkpoint);
                    yield new BenchQueries.Counted(inputs.sinkRecords(), -1);
                }
            };
        } catch (Exception e) {
            return BenchRun.failed(connector, workload, round, rootCause(e));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long driverCpuMillis = (processCpuNanos() - driverCpuBefore) / 1_000_000;
        long brokerCpuMillis = ProcFs.threadCpuMillis(broker.pid(), "") - brokerCpuBefore;
        SinkTopics.Committed committed = workload.isSink()
                ? SinkTopics.read(broker.bootstrap(), topic, settings.partitions())
                : SinkTopics.Committed.NONE;
        return new BenchRun(
                connector,
                workload,
                round,
                counted.rows(),
                counted.valueBytes(),
                millis,
                driverCpuMillis,
                brokerCpuMillis,
                committed.records(),
                committed.distinct(),
                null);
    }

    private static void report(BenchRun run) {
        String label = run.round() == 0 ? "warm-up" : "round " + run.round();
        if (!run.succeeded()) {
            log(
                    "%-8s %-18s %-12s FAILED: %s",
                    label, run.workload().id(), run.connector().id(), run.failure());
            return;
        }
        log(
                "%-8s %-18s %-12s %,12.0f rows/s (%,d rows in %d ms, driver CPU %d ms, broker CPU %d ms%s)",
                label,
                run.workload().id(),
                run.connector().id(),
                run.rowsPerSecond(),
                run.records(),
                run.millis(),
                run.driverCpuMillis(),
                run.brokerCpuMillis(),
                run.workload().isSink() ? ", committed " + run.committed() + ", distinct " + run.distinct() : "");
    }

    /** Spark {@code local[2]}, no UI, its scratch space in the work directory. */
    private static SparkSession session(Path workDir) {
        return SparkSession.builder()
                .master("local[2]")
                .appName("millrace-spark-connector-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.local.dir", workDir.resolve("spark-local").toString())
                .config(
                        "spark.sql.warehouse.dir",
                        workDir.resolve("spark-warehouse").toString())
                .getOrCreate();
    }

    /** The innermost cause of {@code failure} and the first line of its message. */
    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return root.getClass().getName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
