package io.millrace.bench.spark;

import static io.millrace.bench.common.OptionValues.list;
import static io.millrace.bench.common.OptionValues.nonNegative;
import static io.millrace.bench.common.OptionValues.positive;

import io.millrace.bench.common.OptionValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The options of one benchmark run, from the command line ({@code --help} lists them). Immutable.
 *
 * @param records records pre-produced for the source workloads
 * @param sinkRecords rows each sink run writes
 * @param recordBytes size of every record's value (no key)
 * @param partitions partitions of the input topic and of every sink topic
 * @param microBatches micro-batches a streaming run is cut into ({@code maxOffsetsPerTrigger} of
 *     the source, {@code maxFilesPerTrigger} of the streaming sink's file input)
 * @param warmupRecords records of the unmeasured warm-up run of every workload and connector
 *     before the first round (0: none)
 * @param rounds how often every measurement runs; the connectors' order alternates per round
 * @param workloads what to measure, in this order within a round
 * @param connectors which connectors to run (kafka and at least one of ours for ratios)
 * @param out where the report goes
 * @param name the report's file name without extension
 * @param workDir checkpoints, the streaming sink's input files, broker logs and data
 */
record SparkBenchSettings(
        long records,
        long sinkRecords,
        int recordBytes,
        int partitions,
        int microBatches,
        long warmupRecords,
        int rounds,
        List<Workload> workloads,
        List<Connector> connectors,
        Path out,
        String name,
        Path workDir) {

    static final String USAGE = String.join(
            "\n",
            "SparkConnectorBench [options]: format(\"millrace\") against format(\"kafka\") on one Millrace broker",
            "  --records N           records pre-produced for the source workloads (default 3000000)",
            "  --sink-records N      rows each sink run writes (default 1000000)",
            "  --record-bytes N      value size, at least 8 (default 100)",
            "  --partitions N        partitions of every topic (default 8)",
            "  --micro-batches N     micro-batches of every streaming run (default 4)",
            "  --warmup N            records of the unmeasured warm-up of each run; 0 for none (default 300000)",
            "  --rounds N            repetitions, the connectors' order alternating (default 3)",
            "  --workloads LIST      of source-batch,source-micro-batch,sink-batch,sink-streaming (default all)",
            "  --connectors LIST     of millrace,millrace-alo,kafka (default all)",
            "  --out DIR             report directory (default benchmarks/results)",
            "  --name NAME           report name (default spark-<timestamp>)",
            "  --work DIR            checkpoints, input files, broker data (default benchmarks/spark/target/bench-work)");

    SparkBenchSettings {
        workloads = List.copyOf(workloads);
        connectors = List.copyOf(connectors);
        if (recordBytes < Long.BYTES) {
            throw new IllegalArgumentException(
                    "--record-bytes must be at least " + Long.BYTES + ", not " + recordBytes);
        }
    }

    /** The settings from {@code args}, paths relative to {@code repoRoot}. */
    static SparkBenchSettings parse(String[] args, Path repoRoot) {
        long records = 3_000_000;
        long sinkRecords = 1_000_000;
        int recordBytes = 100;
        int partitions = 8;
        int microBatches = 4;
        long warmupRecords = 300_000;
        int rounds = 3;
        List<Workload> workloads = List.of(Workload.values());
        List<Connector> connectors = List.of(Connector.values());
        Path out = repoRoot.resolve("benchmarks/results");
        String name = OptionValues.timestamped("spark");
        Path workDir = repoRoot.resolve("benchmarks/spark/target/bench-work");
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Unknown option or missing value: " + option + "\n" + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--records" -> records = positive(option, value);
                case "--sink-records" -> sinkRecords = positive(option, value);
                case "--record-bytes" -> recordBytes = (int) positive(option, value);
                case "--partitions" -> partitions = (int) positive(option, value);
                case "--micro-batches" -> microBatches = (int) positive(option, value);
                case "--warmup" -> warmupRecords = nonNegative(option, value);
                case "--rounds" -> rounds = (int) positive(option, value);
                case "--workloads" ->
                    workloads = list(value).stream().map(Workload::byId).toList();
                case "--connectors" ->
                    connectors = list(value).stream().map(Connector::byId).toList();
                case "--out" -> out = repoRoot.resolve(value);
                case "--name" -> name = value;
                case "--work" -> workDir = repoRoot.resolve(value);
                default -> throw new IllegalArgumentException("Unknown option " + option + "\n" + USAGE);
            }
        }
        return new SparkBenchSettings(
                records,
                sinkRecords,
                recordBytes,
                partitions,
                microBatches,
                warmupRecords,
                rounds,
                workloads,
                connectors,
                out,
                name,
                workDir);
    }

    /** The connectors measured in {@code workload} in round {@code round} (from 1): reversed every other round. */
    List<Connector> order(Workload workload, int round) {
        List<Connector> order = new ArrayList<>(
                connectors.stream().filter(c -> c.runs(workload)).toList());
        if (round % 2 == 0) {
            Collections.reverse(order);
        }
        return order;
    }

    /** How many records a measured run of {@code workload} reads or writes. */
    long recordsOf(Workload workload) {
        return workload.isSink() ? sinkRecords : records;
    }
}
