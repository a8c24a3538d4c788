package io.millrace.bench.flink;

import static io.millrace.bench.common.OptionValues.list;
import static io.millrace.bench.common.OptionValues.positive;

import io.millrace.bench.common.OptionValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The options of one benchmark run, from the command line ({@code --help} lists them). Immutable.
 *
 * @param records records pre-produced for the source workload
 * @param sinkRecords records each sink job writes
 * @param recordBytes size of every record's value (no key)
 * @param partitions partitions of the input topic and of every sink topic
 * @param parallelism the jobs' parallelism
 * @param checkpointMillis the sink jobs' checkpoint interval (the source job does not checkpoint)
 * @param rounds how often every measurement runs; the connectors' order alternates per round
 * @param workloads what to measure, in this order within a round
 * @param connectors which connectors to run (both for ratios)
 * @param producerProperties {@code key=value} settings added to both sinks' producers
 * @param jobJvmFlags flags of every job JVM, the same for both connectors
 * @param jfr whether each job JVM records a JFR profile into the work directory
 * @param out where the report goes
 * @param name the report's file name without extension
 * @param workDir job logs, JFR recordings, broker logs and data
 */
record FlinkBenchSettings(
        long records,
        long sinkRecords,
        int recordBytes,
        int partitions,
        int parallelism,
        long checkpointMillis,
        int rounds,
        List<Workload> workloads,
        List<Connector> connectors,
        List<String> producerProperties,
        List<String> jobJvmFlags,
        boolean jfr,
        Path out,
        String name,
        Path workDir) {

    static final String USAGE = String.join(
            "\n",
            "FlinkConnectorBench [options]: millrace-connector-flink against flink-connector-kafka on one Millrace broker",
            "  --records N           records pre-produced for the source workload (default 4000000)",
            "  --sink-records N      records each sink job writes (default 1500000)",
            "  --record-bytes N      value size (default 100)",
            "  --partitions N        partitions of every topic (default 8)",
            "  --parallelism N       job parallelism (default 2)",
            "  --checkpoint-ms N     the sink jobs' checkpoint interval (default 1000)",
            "  --rounds N            repetitions, the connectors' order alternating (default 3)",
            "  --workloads LIST      of source,sink-at-least-once,sink-exactly-once (default all)",
            "  --connectors LIST     of millrace,stock (default both)",
            "  --producer-property K=V  added to both sinks' producers; repeatable (default none)",
            "  --jvm-opts \"FLAGS\"    flags of every job JVM (default -Xms1g -Xmx1g -XX:+UseG1GC)",
            "  --jfr                 record a JFR profile of every job JVM (in the work directory)",
            "  --out DIR             report directory (default benchmarks/results)",
            "  --name NAME           report name (default flink-<timestamp>)",
            "  --work DIR            logs, recordings, broker data (default benchmarks/flink/target/bench-work)");

    FlinkBenchSettings {
        workloads = List.copyOf(workloads);
        connectors = List.copyOf(connectors);
        producerProperties = List.copyOf(producerProperties);
        jobJvmFlags = List.copyOf(jobJvmFlags);
    }

    /** The settings from {@code args}, paths relative to {@code repoRoot}. */
    static FlinkBenchSettings parse(String[] args, Path repoRoot) {
        long records = 4_000_000;
        long sinkRecords = 1_500_000;
        int recordBytes = 100;
        int partitions = 8;
        int parallelism = 2;
        long checkpointMillis = 1000;
        int rounds = 3;
        List<Workload> workloads = List.of(Workload.values());
        List<Connector> connectors = List.of(Connector.values());
        List<String> producerProperties = new ArrayList<>();
        List<String> jvmFlags = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");
        boolean jfr = false;
        Path out = repoRoot.resolve("benchmarks/results");
        String name = OptionValues.timestamped("flink");
        Path workDir = repoRoot.resolve("benchmarks/flink/target/bench-work");
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--jfr")) {
                jfr = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Unknown option or missing value: " + option + "\n" + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--records" -> records = positive(option, value);
                case "--sink-records" -> sinkRecords = positive(option, value);
                case "--record-bytes" -> recordBytes = (int) positive(option, value);
                case "--partitions" -> partitions = (int) positive(option, value);
                case "--parallelism" -> parallelism = (int) positive(option, value);
                case "--checkpoint-ms" -> checkpointMillis = positive(option, value);
                case "--rounds" -> rounds = (int) positive(option, value);
                case "--workloads" ->
                    workloads = list(value).stream().map(Workload::byId).toList();
                case "--connectors" ->
                    connectors = list(value).stream().map(Connector::byId).toList();
                case "--producer-property" -> producerProperties.add(property(option, value));
                case "--jvm-opts" -> jvmFlags = Arrays.asList(value.trim().split("\\s+"));
                case "--out" -> out = repoRoot.resolve(value);
                case "--name" -> name = value;
                case "--work" -> workDir = repoRoot.resolve(value);
                default -> throw new IllegalArgumentException("Unknown option " + option + "\n" + USAGE);
            }
        }
        return new FlinkBenchSettings(
                records,
                sinkRecords,
                recordBytes,
                partitions,
                parallelism,
                checkpointMillis,
                rounds,
                workloads,
                connectors,
                producerProperties,
                jvmFlags,
                jfr,
                out,
                name,
                workDir);
    }

    /** The connectors in the order round {@code round} (from 1) runs them: reversed every other round. */
    List<Connector> order(int round) {
        List<Connector> order = new ArrayList<>(connectors);
        if (round % 2 == 0) {
            Collections.reverse(order);
        }
        return order;
    }

    /** How many records a job of {@code workload} handles. */
    long recordsOf(Workload workload) {
        return workload.isSink() ? sinkRecords : records;
    }

    private static String property(String option, String value) {
        if (value.indexOf('=') <= 0) {
            throw new IllegalArgumentException(option + " takes key=value, not " + value);
        }
        return value;
    }
}
