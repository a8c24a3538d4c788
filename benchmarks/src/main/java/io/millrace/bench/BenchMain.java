package io.millrace.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command line of the harness ({@code ./millrace bench}): runs Millrace and Apache Kafka side by
 * side and writes {@code <name>.md}, {@code <name>.json} and {@code <name>-latency.png} (plus
 * {@code <name>-profile.md} with {@code --profile}) to the output directory.
 */
public final class BenchMain {

    static final String USAGE = """
        Usage: millrace bench [options]

          --quick              one short round (about two minutes): proves the harness works
          --rounds N           rounds (default: 3 in full mode, 1 in quick mode)
          --seconds S          length of each produce and latency workload (default 15; quick 2)
          --producers N        producer clients of the throughput workloads (default 4)
          --consumers N        consumer clients reading back (default 4)
          --partitions N       partitions of the throughput topics (default 4)
          --brokers LIST       comma-separated, in session order; the first sets the fixed latency rate
                               (default kafka,millrace,kafka-fsync)
          --rate N             records/s of the fixed-rate latency workload (default: half the
                               first broker's median acks=all throughput)
          --jvm-opts "FLAGS"   heap and GC flags of every broker JVM
                               (default -Xms1g -Xmx1g -XX:+UseG1GC and Kafka's other G1 flags)
          --out DIR            report directory (default benchmarks/results)
          --name NAME          report file name (default <mode>-<timestamp>)
          --work DIR           broker data and logs during the run (default benchmarks/target/bench-work)
          --profile            record a JFR profile of each Millrace workload and summarise it
                               in <name>-profile.md (profiling perturbs the figures)
        """;

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        try {
            BenchResult result = run(args, System.out);
            if (result == null) {
                return;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("millrace bench: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
    }

    /** Parses {@code args}, runs the benchmark and writes the reports; null when only help was asked. */
    static BenchResult run(String[] args, PrintStream progress) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        if (a.contains("--help") || a.contains("-h")) {
            progress.print(USAGE);
            return null;
        }
        Path repo = Path.of(System.getProperty("millrace.repo.root", "."))
                .toAbsolutePath()
                .normalize();
        Path out = repo.resolve("benchmarks/results");
        Path work = repo.resolve("benchmarks/target/bench-work");
        boolean quick = a.remove("--quick");
        BenchSettings.Builder s = quick ? BenchSettings.quick(out, work) : BenchSettings.full(out, work);
        for (int i = 0; i < a.size(); i++) {
            String option = a.get(i);
            if (option.equals("--profile")) {
                s.profile = true;
                continue;
            }
            if (i + 1 >= a.size()) {
                throw new IllegalArgumentException("unknown option or missing value: " + option);
            }
            String value = a.get(++i);
            switch (option) {
                case "--rounds" -> s.rounds = positive(option, value);
                case "--seconds" -> {
                    s.produceDuration = Duration.ofSeconds(positive(option, value));
                    s.latencyDuration = s.produceDuration;
                }
                case "--producers" -> s.producers = positive(option, value);
                case "--consumers" -> s.consumers = positive(option, value);
                case "--partitions" -> s.partitions = positive(option, value);
                case "--brokers" ->
                    s.brokers = Arrays.stream(value.split(","))
                            .map(String::trim)
                            .map(BrokerSetup::fromId)
                            .distinct()
                            .toList();
                case "--jvm-opts" -> s.jvmFlags = Arrays.asList(value.trim().split("\\s+"));
                case "--out" -> s.outDir = Path.of(value).toAbsolutePath();
                case "--work" -> s.workDir = Path.of(value).toAbsolutePath();
                case "--rate" -> s.fixedRate = positive(option, value);
                case "--name" -> s.name = value;
                default -> throw new IllegalArgumentException("unknown option: " + option);
            }
        }
        if (s.name == null) {
            s.name = s.mode + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        }
        BenchSettings settings = s.build();
        Files.createDirectories(settings.outDir());
        BenchResult result = new BenchHarness(settings, BenchEnvironment.fromSystemProperties(), progress).run();
        write(result, progress);
        return result;
    }

    static void write(BenchResult r, PrintStream progress) throws IOException {
        BenchSettings s = r.settings();
        Path chart = s.outDir().resolve(s.name() + "-latency.png");
        LatencyChart.write(r, chart);
        Path md = s.outDir().resolve(s.name() + ".md");
        String markdown = MarkdownReport.render(r, chart.getFileName().toString());
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        Path json = s.outDir().resolve(s.name() + ".json");
        Files.writeString(json, JsonReport.render(r), StandardCharsets.UTF_8);
        if (s.profile()) {
            StringBuilder profile = new StringBuilder("# Profile, per workload\n\n");
            profile.append(ThreadCpuReport.render(r));
            profile.append("## JFR recordings of Millrace\n\n");
            for (Path recording : r.profiles()) {
                profile.append(JfrSummary.summarise(recording));
            }
            Files.writeString(s.outDir().resolve(s.name() + "-profile.md"), profile.toString(), StandardCharsets.UTF_8);
        }
        progress.println();
        progress.print(markdown);
        progress.println("Wrote " + md + ", " + json + " and " + chart);
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, not '" + value + "'");
    }
}
