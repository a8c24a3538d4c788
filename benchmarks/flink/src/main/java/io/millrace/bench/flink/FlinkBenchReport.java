package io.millrace.bench.flink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.bench.common.Rounds;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report of a run: for every workload each connector's median records/s over the rounds, its
 * spread, CPU per record, and the ratio millrace/stock; then every job. As markdown for people and
 * JSON for tools (the same figures plus every round's values). Immutable.
 *
 * @param environment lines describing the machine and versions, printed as given
 */
record FlinkBenchReport(FlinkBenchSettings settings, List<String> environment, List<JobRun> runs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    FlinkBenchReport {
        environment = List.copyOf(environment);
        runs = List.copyOf(runs);
    }

    /** One connector's figures in one workload. */
    record Summary(
            double medianPerSecond,
            double minPerSecond,
            double maxPerSecond,
            double jobCpuMicrosPerRecord,
            double brokerCpuMicrosPerRecord,
            boolean allComplete,
            int failedJobs) {

        /** (max - min) / median, the relative spread over the rounds. */
        double spread() {
            return (maxPerSecond - minPerSecond) / medianPerSecond;
        }
    }

    /** The runs of {@code connector} in {@code workload}, in round order. */
    List<JobRun> runsOf(Workload workload, Connector connector) {
        return runs.stream()
                .filter(r -> r.workload() == workload && r.connector() == connector)
                .toList();
    }

    /** The figures of the jobs that ran to their end; empty if none did. */
    Optional<Summary> summary(Workload workload, Connector connector) {
        List<JobRun> all = runsOf(workload, connector);
        List<JobRun> selected = all.stream().filter(JobRun::succeeded).toList();
        if (selected.isEmpty()) {
            return Optional.empty();
        }
        List<Double> perSecond = selected.stream().map(JobRun::recordsPerSecond).toList();
        return Optional.of(new Summary(
                Rounds.median(perSecond),
                Collections.min(perSecond),
                Collections.max(perSecond),
                Rounds.median(selected.stream()
                        .map(r -> r.jobCpuMillis() * 1000.0 / r.records())
                        .toList()),
                Rounds.median(selected.stream()
                        .map(r -> r.brokerCpuMillis() * 1000.0 / r.records())
                        .toList()),
                selected.stream().allMatch(r -> r.complete(settings.recordsOf(workload))),
                all.size() - selected.size()));
    }

    /** Median millrace records/s ÷ median stock records/s, if both ran. */
    Optional<Double> ratio(Workload workload) {
        Optional<Summary> millrace = summary(workload, Connector.MILLRACE);
        Optional<Summary> stock = summary(workload, Connector.STOCK);
        if (millrace.isEmpty() || stock.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(millrace.get().medianPerSecond() / stock.get().medianPerSecond());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Flink connector benchmark: ").append(settings.name()).append("\n\n");
        md.append("millrace-connector-flink against flink-connector-kafka 5.0.0-2.2, on Flink 2.3.0 MiniClusters")
                .append(" (a JVM per job), one Millrace broker JVM, in the same run.\n\n");
        if (settings.workloads().contains(Workload.SOURCE)) {
            md.append(String.format(
                    Locale.ROOT,
                    "Source: %,d records of %d bytes over %d partitions. ",
                    settings.records(),
                    settings.recordBytes(),
                    settings.partitions()));
        }
        if (settings.workloads().stream().anyMatch(Workload::isSink)) {
            md.append(String.format(
                    Locale.ROOT,
                    "Sinks: %,d generated records of %d bytes into a fresh %d-partition topic each, checkpoints"
                            + " every %d ms. ",
                    settings.sinkRecords(),
                    settings.recordBytes(),
                    settings.partitions(),
                    settings.checkpointMillis()));
        }
        md.append(String.format(
                Locale.ROOT,
                "Parallelism %d, %d round(s), the connectors' order alternating per round. Job JVMs: `%s`.%n%n",
                settings.parallelism(),
                settings.rounds(),
                String.join(" ", settings.jobJvmFlags())));
        if (!settings.producerProperties().isEmpty()) {
            md.append("Both sinks' producers with `")
                    .append(String.join("`, `", settings.producerProperties()))
                    .append("`.\n\n");
        }
        for (String line : environment) {
            md.append("- ").append(line).append('\n');
        }
        md.append("\n| workload | millrace records/s | stock records/s | millrace ÷ stock | spread millrace / stock"
                + " | job CPU µs/record millrace / stock | broker CPU µs/record millrace / stock | all records"
                + " | failed jobs millrace / stock |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Workload workload : settings.workloads()) {
            Optional<Summary> millrace = summary(workload, Connector.MILLRACE);
            Optional<Summary> stock = summary(workload, Connector.STOCK);
            md.append("| ")
                    .append(workload.title())
                    .append(" | ")
                    .append(millrace.map(s -> count(s.medianPerSecond())).orElse("–"))
                    .append(" | ")
                    .append(stock.map(s -> count(s.medianPerSecond())).orElse("–"))
                    .append(" | ")
                    .append(ratio(workload)
                            .map(r -> String.format(Locale.ROOT, "**%.2f**", r))
                            .orElse("–"))
                    .append(" | ")
                    .append(pair(millrace, stock, s -> percent(s.spread())))
                    .append(" | ")
                    .append(pair(millrace, stock, s -> decimal(s.jobCpuMicrosPerRecord())))
                    .append(" | ")
                    .append(pair(millrace, stock, s -> decimal(s.brokerCpuMicrosPerRecord())))
                    .append(" | ")
                    .append(pair(millrace, stock, s -> s.allComplete() ? "yes" : "**NO**"))
                    .append(" | ")
                    .append(failedJobs(workload, Connector.MILLRACE))
                    .append(" / ")
                    .append(failedJobs(workload, Connector.STOCK))
                    .append(" |\n");
        }
        md.append("\nMedians and spreads are over the jobs that ran to their end; spread is (max − min) ÷ median.")
                .append(" \"All records\": the source counted every input record; a sink's topic, read with")
                .append(" read_committed afterwards, held every generated record exactly once.\n");
        List<JobRun> failed = runs.stream().filter(r -> !r.succeeded()).toList();
        if (!failed.isEmpty()) {
            md.append("\n## Failed jobs\n\n");
            for (JobRun run : failed) {
                md.append(String.format(
                        Locale.ROOT,
                        "- round %d, %s, %s: %s%n",
                        run.round(),
                        run.workload().id(),
                        run.connector().id(),
                        run.failure()));
            }
        }
        md.append("\n## Every job\n\n");
        md.append("| round | workload | connector | records | ms | records/s | job CPU ms | broker CPU ms"
                + " | committed | distinct |\n");
        md.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JobRun run : runs.stream().filter(JobRun::succeeded).toList()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %s | %s | %d | %d | %s | %d | %d | %s | %s |%n",
                    run.round(),
                    run.workload().id(),
                    run.connector().id(),
                    run.records(),
                    run.millis(),
                    count(run.recordsPerSecond()),
                    run.jobCpuMillis(),
                    run.brokerCpuMillis(),
                    run.workload().isSink() ? Long.toString(run.committed()) : "–",
                    run.workload().isSink() ? Long.toString(run.distinct()) : "–"));
        }
        return md.toString();
    }

    String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", settings.name());
        ObjectNode options = root.putObject("settings");
        options.put("records", settings.records());
        options.put("sinkRecords", settings.sinkRecords());
        options.put("recordBytes", settings.recordBytes());
        options.put("partitions", settings.partitions());
        options.put("parallelism", settings.parallelism());
        options.put("checkpointMillis", settings.checkpointMillis());
        options.put("rounds", settings.rounds());
        settings.producerProperties().forEach(options.putArray("producerProperties")::add);
        settings.jobJvmFlags().forEach(options.putArray("jobJvmFlags")::add);
        environment.forEach(root.putArray("environment")::add);
        ArrayNode workloads = root.putArray("workloads");
        for (Workload workload : settings.workloads()) {
            ObjectNode w = workloads.addObject().put("workload", workload.id());
            ratio(workload).ifPresent(r -> w.put("ratio", r));
            for (Connector connector : settings.connectors()) {
                summary(workload, connector)
                        .ifPresent(summary -> w.putObject(connector.id())
                                .put("medianRecordsPerSecond", summary.medianPerSecond())
                                .put("minRecordsPerSecond", summary.minPerSecond())
                                .put("maxRecordsPerSecond", summary.maxPerSecond())
                                .put("spread", summary.spread())
                                .put("jobCpuMicrosPerRecord", summary.jobCpuMicrosPerRecord())
                                .put("brokerCpuMicrosPerRecord", summary.brokerCpuMicrosPerRecord())
                                .put("allComplete", summary.allComplete())
                                .put("failedJobs", summary.failedJobs()));
            }
        }
        ArrayNode jobs = root.putArray("runs");
        for (JobRun run : runs) {
            jobs.addObject()
                    .put("round", run.round())
                    .put("workload", run.workload().id())
                    .put("connector", run.connector().id())
                    .put("records", run.records())
                    .put("millis", run.millis())
                    .put("recordsPerSecond", run.succeeded() ? run.recordsPerSecond() : 0)
                    .put("jobCpuMillis", run.jobCpuMillis())
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

    private long failedJobs(Workload workload, Connector connector) {
        return runsOf(workload, connector).stream().filter(r -> !r.succeeded()).count();
    }

    private static String pair(
            Optional<Summary> millrace, Optional<Summary> stock, java.util.function.Function<Summary, String> format) {
        return millrace.map(format).orElse("–") + " / " + stock.map(format).orElse("–");
    }

    private static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.0f %%", value * 100);
    }
}
