package io.millrace.bench;

import io.millrace.testing.OpenFileLimit;
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
 * {@code <name>-profile.md} with {@code --profile}) to the output directory. With {@code --scale}
 * it runs the many-topics workload ({@link ScaleWorkload}) instead and writes its
 * {@code <name>.md} and {@code <name>.json}.
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

        Usage: millrace bench --scale [options]      many topics on one node (issue 13)

          --topics N           one-partition topics per broker (default 100000)
          --batch N            topics per CreateTopics request (default 1000)
          --open-files N       ulimit -n of every broker JVM, soft and hard (default 1024)
          --brokers LIST       comma-separated, in session order (default kafka,millrace)
          --seconds S          length of each produce of the throughput check (default 10)
          --timeout S          the longest one step may take: a CreateTopics batch, a shutdown,
                               a restart until Metadata serves every topic (default 600)
          --jvm-opts "FLAGS"   heap and GC flags of every broker JVM
                               (default -Xms2g -Xmx2g -XX:+UseG1GC and Kafka's other G1 flags)
          --out DIR, --name NAME, --work DIR   as above (default name scale-<timestamp>)
        """;

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        try {
            if (Arrays.asList(args).contains("--scale")) {
                runScale(args, System.out);
            } else {
                run(args, System.out);
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
        Path repo = repoRoot();
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
                case "--brokers" -> s.brokers = brokers(value);
                case "--jvm-opts" -> s.jvmFlags = flags(value);
                case "--out" -> s.outDir = Path.of(value).toAbsolutePath();
                case "--work" -> s.workDir = Path.of(value).toAbsolutePath();
                case "--rate" -> s.fixedRate = positive(option, value);
                case "--name" -> s.name = value;
                default -> throw new IllegalArgumentException("unknown option: " + option);
            }
        }
        if (s.name == null) {
            s.name = s.mode + "-" + timestamp();
        }
        BenchSettings settings = s.build();
        Files.createDirectories(settings.outDir());
        BenchResult result = new BenchHarness(settings, BenchEnvironment.fromSystemProperties(), progress).run();
        write(result, progress);
        return result;
    }

    /**
     * Parses the {@code --scale} command line, runs the scale workload and writes its reports; null
     * when only help was asked.
     */
    static ScaleResult runScale(String[] args, PrintStream progress) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        if (a.contains("--help") || a.contains("-h")) {
            progress.print(USAGE);
            return null;
        }
        a.remove("--scale");
        Path repo = repoRoot();
        ScaleSettings.Builder s = new ScaleSettings.Builder(
                repo.resolve("benchmarks/results"), repo.resolve("benchmarks/target/bench-work"));
        for (int i = 0; i < a.size(); i++) {
            String option = a.get(i);
            if (i + 1 >= a.size()) {
                throw new IllegalArgumentException("unknown option or missing value: " + option);
            }
            String value = a.get(++i);
            switch (option) {
                case "--topics" -> s.topics = positive(option, value);
                case "--batch" -> s.batchSize = positive(option, value);
                case "--open-files" -> s.openFileLimit = positive(option, value);
                case "--brokers" -> s.brokers = brokers(value);
                case "--seconds" -> s.produceDuration = Duration.ofSeconds(positive(option, value));
                case "--timeout" -> s.stepTimeout = Duration.ofSeconds(positive(option, value));
                case "--jvm-opts" -> s.jvmFlags = flags(value);
                case "--out" -> s.outDir = Path.of(value).toAbsolutePath();
                case "--work" -> s.workDir = Path.of(value).toAbsolutePath();
                case "--name" -> s.name = value;
                default -> throw new IllegalArgumentException("unknown option of --scale: " + option);
            }
        }
        if (s.name == null) {
            s.name = "scale-" + timestamp();
        }
        ScaleSettings settings = s.build();
        try {
            OpenFileLimit.requireWithinHardLimit(settings.openFileLimit());
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--open-files " + settings.openFileLimit() + ": " + e.getMessage(), e);
        }
        Files.createDirectories(settings.outDir());
        ScaleResult result = new ScaleWorkload(settings, BenchEnvironment.fromSystemProperties(), progress).run();
        Path md = settings.outDir().resolve(settings.name() + ".md");
        String markdown = ScaleReport.markdown(result);
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        Path json = settings.outDir().resolve(settings.name() + ".json");
        Files.writeString(json, ScaleReport.json(result), StandardCharsets.UTF_8);
        progress.println();
        progress.print(markdown);
        progress.println("Wrote " + md + " and " + json);
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

    private static Path repoRoot() {
        return Path.of(System.getProperty("millrace.repo.root", "."))
                .toAbsolutePath()
                .normalize();
    }

    private static String timestamp() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    private static List<BrokerSetup> brokers(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .map(BrokerSetup::fromId)
                .distinct()
                .toList();
    }

    private static List<String> flags(String value) {
        return Arrays.asList(value.trim().split("\\s+"));
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
