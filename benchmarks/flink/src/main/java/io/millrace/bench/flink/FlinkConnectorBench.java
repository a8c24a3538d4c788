package io.millrace.bench.flink;

import static io.millrace.bench.common.BenchConsole.loadAverage;
import static io.millrace.bench.common.BenchConsole.log;

import io.millrace.bench.common.BenchConsole;
import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.ProcFs;
import io.millrace.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Flink connector benchmark: millrace-connector-flink against Flink's flink-connector-kafka on
 * the same Millrace broker in the same run. It starts one broker JVM (the tests' fixture,
 * {@link BrokerProcess}), writes the source's input once, then runs every workload for each
 * connector in rounds, the connectors' order alternating, each job in a JVM of its own
 * ({@link ForkedJob}), checks each sink's output with a {@code read_committed} reader, and writes
 * {@code <name>.md} and {@code <name>.json} into the output directory. See benchmarks/README.md,
 * "Flink connector benchmark".
 */
public final class FlinkConnectorBench {

    private static final String INPUT_TOPIC = "flink-bench-input";

    private FlinkConnectorBench() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(FlinkBenchSettings.USAGE);
            return;
        }
        Path repoRoot = TestEnvironment.repoRoot();
        FlinkBenchSettings settings = FlinkBenchSettings.parse(args, repoRoot);
        BenchConsole.brokerLogsIn(settings.workDir());
        FlinkBenchReport report = run(settings);
        BenchConsole.writeReport(settings.out(), settings.name(), report.markdown(), report.json());
    }

    /** Runs every measurement of {@code settings} and returns the report. */
    static FlinkBenchReport run(FlinkBenchSettings settings) throws IOException, InterruptedException {
        JobClasspath classpath = JobClasspath.of(
                System.getProperty("java.class.path"),
                TestEnvironment.repoRoot().resolve("benchmarks/flink/target/stock-lib"));
        List<String> environment = environment(classpath);
        List<JobRun> runs = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.builder("flink-bench").start()) {
            String bootstrap = broker.bootstrap();
            environment.add("Broker: Millrace from broker-core/target, `-Xmx1g`, default settings, on " + bootstrap
                    + " (data in " + broker.dataDir() + ")");
            if (settings.workloads().contains(Workload.SOURCE)) {
                log("Writing %,d input records to %s", settings.records(), INPUT_TOPIC);
                BenchTopics.produceInput(
                        bootstrap, INPUT_TOPIC, settings.partitions(), settings.records(), settings.recordBytes());
            }
            for (int round = 1; round <= settings.rounds(); round++) {
                for (Workload workload : settings.workloads()) {
                    for (Connector connector : settings.order(round)) {
                        JobRun run = runJob(settings, classpath, broker, workload, connector, round);
                        runs.add(run);
                        if (!run.succeeded()) {
                            log("round %d %-18s %-8s FAILED: %s", round, workload.id(), connector.id(), run.failure());
                            continue;
                        }
                        log(
                                "round %d %-18s %-8s %,12.0f records/s (%d ms, job CPU %d ms, broker CPU %d ms%s)",
                                round,
                                workload.id(),
                                connector.id(),
                                run.recordsPerSecond(),
                                run.millis(),
                                run.jobCpuMillis(),
                                run.brokerCpuMillis(),
                                workload.isSink()
                                        ? ", committed " + run.committed() + ", distinct " + run.distinct()
                                        : "");
                    }
                }
            }
            broker.stopAndClose();
        }
        environment.add("Load average (1, 5, 15 min) at the end: " + loadAverage());
        return new FlinkBenchReport(settings, environment, runs);
    }

    private static JobRun runJob(
            FlinkBenchSettings settings,
            JobClasspath classpath,
            BrokerProcess broker,
            Workload workload,
            Connector connector,
            int round)
            throws IOException, InterruptedException {
        String name = workload.id() + "-" + connector.id() + "-r" + round;
        String topic = workload.isSink() ? "flink-bench-" + name : INPUT_TOPIC;
        if (workload.isSink()) {
            Clients.createTopic(broker.bootstrap(), topic, settings.partitions(), Map.of());
        }
        long records = settings.recordsOf(workload);
        List<String> jobArgs = new ArrayList<>(List.of(
                connector.id(),
                workload.id(),
                broker.bootstrap(),
                topic,
                Long.toString(records),
                Integer.toString(settings.recordBytes()),
                Integer.toString(settings.parallelism()),
                Long.toString(settings.checkpointMillis()),
                "flink-bench-" + name));
        jobArgs.addAll(settings.producerProperties());
        long brokerCpuBefore = ProcFs.threadCpuMillis(broker.pid(), "");
        ForkedJob.Result result;
        try {
            result = ForkedJob.run(settings, classpath.of(connector), name, jobArgs);
        } catch (ForkedJob.JobFailedException e) {
            return JobRun.failed(connector, workload, round, e.getMessage());
        }
        long brokerCpu = ProcFs.threadCpuMillis(broker.pid(), "") - brokerCpuBefore;
        BenchTopics.Committed committed = workload.isSink()
                ? BenchTopics.readCommitted(broker.bootstrap(), topic, settings.partitions())
                : new BenchTopics.Committed(-1, -1);
        return new JobRun(
                connector,
                workload,
                round,
                result.records(),
                result.millis(),
                result.cpuMillis(),
                brokerCpu,
                committed.records(),
                committed.distinct(),
                null);
    }

    private static List<String> environment(JobClasspath classpath) {
        List<String> lines = new ArrayList<>();
        lines.add("Run at " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors()
                + " cores, Java " + System.getProperty("java.version") + "; broker, job JVMs and this driver share"
                + " the cores with other sessions' builds and tests, so absolute figures are noisy and the ratios"
                + " (same machine, alternating order) are what to compare; load average (1, 5, 15 min) at the"
                + " start: " + loadAverage());
        lines.add("kafka-clients of the job JVMs: millrace " + classpath.kafkaClientsJars(Connector.MILLRACE)
                + ", stock " + classpath.kafkaClientsJars(Connector.STOCK)
                + " (the version flink-connector-kafka 5.0.0-2.2 was built against: its EXACTLY_ONCE sink fails on"
                + " 4.4.0 with NoSuchMethodError TransactionalRequestResult.await())");
        return lines;
    }
}
