package io.millrace.bench.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.bench.common.Rounds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The report of a run: for every workload and connector the median rows/s over the rounds, each
 * round's figure, the spread, CPU per row and the ratio to {@code format("kafka")}; then failed and
 * all runs. As markdown for people and JSON for tools. Immutable.
 *
 * @param environment lines describing the machine and versions, printed as given
 */
record SparkBenchReport(SparkBenchSettings settings, List<String> environment, List<BenchRun> runs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    SparkBenchReport {
        environment = List.copyOf(environment);
        runs = List.copyOf(runs);
    }

    /**
     * One connector's figures in one workload, over the runs that ran to their end.
     *
     * @param rowsPerSecond each such run's figure, in round order
     */
    record Summary(
            List<Double> rowsPerSecond,
            double driverCpuMicrosPerRow,
            double brokerCpuMicrosPerRow,
            boolean allComplete) {

        double median() {
            return Rounds.median(rowsPerSecond);
        }

        /** (max - min) / median, the relative spread over the rounds. */
        double spread() {
            return (Collections.max(rowsPerSecond) - Collections.min(rowsPerSecond)) / median();
        }
    }

    /** The runs of {@code connector} in {@code workload}, in round order. */
    List<BenchRun> runsOf(Workload workload, Connector connector) {
        return runs.stream()
                .filter(r -> r.workload() == workload && r.connector() == connector)
                .toList();
    }

    /** The figures of the runs that ran to their end; empty if none did. */
    Optional<Summary> summary(Workload workload, Connector connector) {
        List<BenchRun> succeeded =
                runsOf(workload, connector).stream().filter(BenchRun::succeeded).toList();
        if (succeeded.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Summary(
                succeeded.stream().map(BenchRun::rowsPerSecond).toList(),
                Rounds.median(succeeded.stream()
                        .map(r -> r.driverCpuMillis() * 1000.0 / r.records())
                        .toList()),
                Rounds.median(succeeded.stream()
                        .map(r -> r.brokerCpuMillis() * 1000.0 / r.records())
                        .toList()),
                succeeded.stream().allMatch(r -> r.complete(settings.recordsOf(workload), settings.recordBytes()))));
    }

    /** Median rows/s of {@code connector} ÷ that of {@code format("kafka")}, if both ran. */
    Optional<Double> ratio(Workload workload, Connector connector) {
        Optional<Summary> ours = summary(workload, connector);
        Optional<Summary> kafka = summary(workload, Connector.KAFKA);
        if (ours.isEmpty() || kafka.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ours.get().median() / kafka.get().median());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Spark connector benchmark: ").append(settings.name()).append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "`format(\"millrace\")` (millrace-connector-spark) against `format(\"kafka\")` (spark-sql-kafka-0-10"
                        + " 4.1.3), Spark 4.1.3 `local[2]` in one JVM, one Millrace broker JVM, in the same run."
                        + " Sources: %,d records of %d bytes over %d partitions; sinks: %,d generated rows of %d"
                        + " bytes into a fresh %d-partition topic per run; streaming runs in %d micro-batches."
                        + " %d round(s), the connectors' order alternating per round, after a warm-up of %,d"
                        + " records per run (not reported).%n%n",
                settings.records(),
                settings.recordBytes(),
                settings.partitions(),
                settings.sinkRecords(),
                settings.recordBytes(),
                settings.partitions(),
                settings.microBatches(),
                settings.rounds(),
                settings.warmupRecords()));
        environment.forEach(line -> md.append("- ").append(line).append('\n'));
        md.append("\n| workload | connector | median rows/s | ÷ kafka | rows/s per round | spread"
                + " | driver CPU µs/row | broker CPU µs/row | all rows | failed runs |\n");
        md.append("|---|---|---:|---:|---|---:|---:|---:|---|---:|\n");
        for (Workload workload : settings.workloads()) {
            for (Connector connector : settings.order(workload, 1)) {
                Optional<Summary> summary = summary(workload, connector);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n",
                        workload.id(),
                        connector.id(),
                        summary.map(s -> count(s.median())).orElse("–"),
                        connector.isMillrace()
                                ? ratio(workload, connector)
                                        .map(r -> String.format(Locale.ROOT, "**%.2f**", r))
                                        .orElse("–")
                                : "",
                        summary.map(s -> s.rowsPerSecond().stream()
                                        .map(SparkBenchReport::count)
                                        .collect(Collectors.joining(", ")))
                                .orElse("–"),
                        summary.map(s -> String.format(Locale.ROOT, "%.0f %%", 100 * s.spread()))
                                .orElse("–"),
                        summary.map(s -> decimal(s.driverCpuMicrosPerRow())).orElse("–"),
                        summary.map(s -> decimal(s.brokerCpuMicrosPerRow())).orElse("–"),
                        summary.map(s -> s.allComplete() ? "yes" : "**NO**").orElse("–"),
                        runsOf(workload, connector).stream()
                                .filter(r -> !r.succeeded())
                                .count()));
            }
        }
        md.append("\nMedians, spreads ((max − min) ÷ median) and CPU are over the runs that ran to their end.")
                .append(" \"All rows\": a source counted every input record and its bytes; a sink's topic, read")
                .append(" with read_committed afterwards, held every row exactly once.\n");
        // runs failing alike (our sink on a build without one fails every round) share one line
        Map<String, List<String>> roundsByFailure = new LinkedHashMap<>();
        runs.stream()
                .filter(r -> !r.succeeded())
                .forEach(run -> roundsByFailure
                        .computeIfAbsent(
                                run.workload().id() + ", " + run.connector().id() + ": " + run.failure(),
                                failure -> new ArrayList<>())
                        .add(Integer.toString(run.round())));
        if (!roundsByFailure.isEmpty()) {
            md.append("\n## Failed runs\n\n");
            roundsByFailure.forEach((failure, rounds) -> md.append("- round ")
                    .append(String.join(", ", rounds))
                    .append(", ")
                    .append(failure)
                    .append('\n'));
        }
        md.append("\n## Every run\n\n| round | workload | connector | rows | ms | rows/s | driver CPU ms")
                .append(" | broker CPU ms | committed | distinct |\n")
                .append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        runs.stream()
                .filter(BenchRun::succeeded)
                .forEach(run -> md.append(String.format(
                        Locale.ROOT,
                        "| %d | %s | %s | %d | %d | %s | %d | %d | %s | %s |%n",
                        run.round(),
                        run.workload().id(),
                        run.connector().id(),
                        run.records(),
                        run.millis(),
                        count(run.rowsPerSecond()),
                        run.driverCpuMillis(),
                        run.brokerCpuMillis(),
                        run.workload().isSink() ? Long.toString(run.committed()) : "–",
                        run.workload().isSink() ? Long.toString(run.distinct()) : "–")));
        return md.toString();
    }

    String json() {
        ObjectNode root = JSON.createObjectNode().put("name", settings.name());
        root.putObject("settings")
                .put("records", settings.records())
                .put("sinkRecords", settings.sinkRecords())
                .put("recordBytes", settings.recordBytes())
                .put("partitions", settings.partitions())
                .put("microBatches", settings.microBatches())
                .put("warmupRecords", settings.warmupRecords())
                .put("rounds", settings.rounds());
        environment.forEach(root.putArray("environment")::add);
        ArrayNode workloads = root.putArray("workloads");
        for (Workload workload : settings.workloads()) {
            ObjectNode w = workloads.addObject().put("workload", workload.id());
            for (Connector connector : settings.order(workload, 1)) {
                ObjectNode c = w.putObject(connector.id());
                ratio(workload, connector).filter(r -> connector.isMillrace()).ifPresent(r -> c.put("ratioToKafka", r));
                summary(workload, connector).ifPresent(s -> {
                    c.put("medianRowsPerSecond", s.median()).put("spread", s.spread());
                    s.rowsPerSecond().forEach(c.putArray("rowsPerSecond")::add);
                    c.put("driverCpuMicrosPerRow", s.driverCpuMicrosPerRow())
                            .put("brokerCpuMicrosPerRow", s.brokerCpuMicrosPerRow())
                            .put("allComplete", s.allComplete());
                });
            }
        }
        ArrayNode all = root.putArray("runs");
        for (BenchRun run : runs) {
            all.addObject()
                    .put("round", run.round())
                    .put("workload", run.workload().id())
                    .put("connector", run.connector().id())
                    .put("records", run.records())
                    .put("valueBytes", run.valueBytes())
                    .put("millis", run.millis())
                    .put("driverCpuMillis", run.driverCpuMillis())
                    .put("brokerCpuMillis", run.brokerCpuMillis())
                    .put("committed", run.committed())
                    .put("distinct", run.distinct())
                    .put("failure", run.failure());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the report as JSON", e);
        }
    }

    private static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
