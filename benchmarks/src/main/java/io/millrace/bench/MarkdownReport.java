package io.millrace.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The human-readable report: the targets first, then one table per workload with each broker's
 * median over the rounds and Millrace's ratio to each Kafka configuration. Stateless.
 */
final class MarkdownReport {

    private MarkdownReport() {}

    static String render(BenchResult r, String chartFileName) {
        BenchSettings s = r.settings();
        StringBuilder md = new StringBuilder();
        md.append("# Millrace vs Apache Kafka 4.3.1: ").append(s.mode()).append(" run\n\n");
        md.append("Run ")
                .append(r.started())
                .append(" to ")
                .append(r.finished())
                .append(" (")
                .append(minutes(Duration.between(r.started(), r.finished())))
                .append("), on ")
                .append(Machine.describe())
                .append(".\n\n");
        md.append("- Brokers, one at a time, each on a fresh data directory, order per round: ");
        md.append(String.join(
                ", ",
                s.brokers().stream()
                        .map(b -> b.label() + " (" + b.description() + ")")
                        .toList()));
        md.append(".\n");
        md.append("- ").append(s.rounds()).append(" round(s); every figure is the median over the rounds.\n");
        md.append("- Broker JVM flags (identical): `")
                .append(String.join(" ", s.jvmFlags()))
                .append("`.\n");
        md.append("- Clients: kafka-clients ")
                .append(Machine.kafkaClientsVersion())
                .append(
                        " in the harness JVM, defaults except acks (and linger.ms=0 for the one-in-flight latency). Records of ")
                .append(s.recordSize())
                .append(" random bytes, no key.\n");
        md.append("- Throughput: ")
                .append(s.producers())
                .append(" producers for ")
                .append(seconds(s.produceDuration()))
                .append(" each on a ")
                .append(s.partitions())
                .append("-partition topic; consume reads the acks=all topic")
                .append(" back from the start with ")
                .append(s.consumers())
                .append(" consumers. ")
                .append("Two unmeasured produces of ")
                .append(seconds(s.warmup()))
                .append(" each, acks=1 then acks=all, warm each broker up.\n");
        md.append("- Latency: produce (acks=all) to consume, ")
                .append(seconds(s.latencyDuration()))
                .append(
                        " per run, the first fifth (at most 2 s) unrecorded. One in flight: one producer (linger.ms=0),")
                .append(" one-partition topic. Fixed rate: ")
                .append(s.producers())
                .append(" producers sharing the rate")
                .append(" on a ")
                .append(s.partitions())
                .append("-partition topic, one consumer; records are stamped")
                .append(" with the time they were due (no coordinated omission). The rate, the same for every broker: ")
                .append(
                        s.fixedRate() > 0
                                ? "set by --rate"
                                : "half the median acks=all throughput of "
                                        + s.reference().label())
                .append(": ")
                .append(String.join(
                        ", ",
                        r.fixedRates().entrySet().stream()
                                .map(e -> "round " + e.getKey() + " " + Stats.format(e.getValue()) + " records/s")
                                .toList()))
                .append(".\n");
        md.append("- CPU and RSS are the broker process's, from /proc, per workload. Under each table: how many")
                .append(
                        " cores were used meanwhile by the harness (the clients); by the kernel (kernel threads, irq and")
                .append(
                        " softirq: block I/O, journaling, loopback networking, largely on behalf of broker and harness);")
                .append(
                        " and by other processes plus hypervisor steal (the noise: figures taken while it was well above")
                .append(" 0 were disturbed).\n\n");
        if (r.hasMillrace() && !r.kafkaSetups().isEmpty()) {
            targets(md, r);
        }
        for (Workload w : Workload.values()) {
            table(md, r, w);
        }
        md.append("Ratios are Millrace ÷ Kafka: above 1 is better for throughput, below 1 is better for latency,")
                .append(" CPU and memory.\n\n");
        if (chartFileName != null) {
            md.append("![End-to-end latency percentile distribution](")
                    .append(chartFileName)
                    .append(")\n\n");
        }
        return md.toString();
    }

    private static void targets(StringBuilder md, BenchResult r) {
        BrokerSetup kafka = r.kafkaSetups().get(0);
        md.append("## Targets (Millrace vs ").append(kafka.label()).append(")\n\n");
        md.append("| target | measured | met |\n|---|---|---|\n");
        double produce = r.ratio(Workload.PRODUCE_ACKS_ALL, Figure.MB_PER_S, kafka);
        target(md, "produce acks=all throughput ≥ 1.5×", Stats.formatRatio(produce), produce >= 1.5);
        double consume = r.ratio(Workload.CONSUME, Figure.MB_PER_S, kafka);
        target(md, "consume throughput ≥ 1.5×", Stats.formatRatio(consume), consume >= 1.5);
        double p99Ratio = r.ratio(Workload.LATENCY_FIXED_RATE, Figure.P99_MS, kafka);
        target(md, "p99 latency at the fixed rate ≤ 0.5×", Stats.formatRatio(p99Ratio), p99Ratio <= 0.5);
        double p99 = r.median(Workload.LATENCY_FIXED_RATE, Figure.P99_MS, BrokerSetup.MILLRACE);
        target(md, "p99 latency at the fixed rate ≤ 2 ms", Stats.format(p99) + " ms", p99 <= 2.0);
        md.append('\n');
    }

    private static void target(StringBuilder md, String what, String measured, boolean met) {
        md.append("| ")
                .append(what)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(met ? "yes" : "no")
                .append(" |\n");
    }

    private static void table(StringBuilder md, BenchResult r, Workload w) {
        List<BrokerSetup> brokers = r.settings().brokers();
        md.append("## ").append(w.title()).append("\n\n| figure |");
        for (BrokerSetup b : brokers) {
            md.append(' ').append(b.label()).append(" |");
        }
        boolean ratios = r.hasMillrace();
        if (ratios) {
            for (BrokerSetup k : r.kafkaSetups()) {
                md.append(" Millrace / ").append(k.label()).append(" |");
            }
        }
        md.append("\n|---|");
        int columns = brokers.size() + (ratios ? r.kafkaSetups().size() : 0);
        md.append("---:|".repeat(columns)).append('\n');
        for (Figure f : w.figures()) {
            md.append("| ").append(f.header()).append(" |");
            for (BrokerSetup b : brokers) {
                md.append(' ').append(Stats.format(r.median(w, f, b))).append(" |");
            }
            if (ratios) {
                for (BrokerSetup k : r.kafkaSetups()) {
                    md.append(' ').append(Stats.formatRatio(r.ratio(w, f, k))).append(" |");
                }
            }
            md.append('\n');
        }
        md.append("\nCores used meanwhile (medians) by the harness: ")
                .append(medianCores(brokers, b -> r.harnessCpuCores(w, b)));
        md.append("; by the kernel: ").append(medianCores(brokers, b -> r.kernelCpuCores(w, b)));
        md.append("; by other processes: ").append(medianCores(brokers, b -> r.otherCpuCores(w, b)));
        md.append(".\n\n");
    }

    /** "label median, label median, ..." of each broker's per-round cores. */
    private static String medianCores(List<BrokerSetup> brokers, Function<BrokerSetup, List<Double>> perRound) {
        return String.join(
                ", ",
                brokers.stream()
                        .map(b -> b.label() + " " + Stats.format(Stats.median(perRound.apply(b))))
                        .toList());
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%s s", Stats.format(d.toMillis() / 1000.0));
    }

    private static String minutes(Duration d) {
        return String.format(Locale.ROOT, "%.1f min", d.toMillis() / 60000.0);
    }
}
