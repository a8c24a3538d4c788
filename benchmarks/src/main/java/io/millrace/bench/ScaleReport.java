package io.millrace.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The scale workload's reports: markdown (how the run was done, the targets, one table of
 * figures and one of resources with Millrace ÷ each Kafka configuration, then each broker's
 * errors) and JSON (the same, machine-readable). Stateless.
 */
final class ScaleReport {

    /** The figures hold for this many topics; at other counts the targets are not judged. */
    private static final int TARGET_TOPICS = 100_000;

    private ScaleReport() {}

    static String markdown(ScaleResult r) {
        ScaleSettings s = r.settings();
        StringBuilder md = new StringBuilder();
        md.append("# Many topics on one node: Millrace vs Apache Kafka 4.3.1\n\n");
        md.append("Run ")
                .append(r.started())
                .append(" to ")
                .append(r.finished())
                .append(String.format(
                        Locale.ROOT,
                        " (%.1f min)",
                        Duration.between(r.started(), r.finished()).toMillis() / 60000.0))
                .append(", on ")
                .append(Machine.describe())
                .append(".\n\n");
        md.append(String.format(
                Locale.ROOT,
                "- %,d one-partition topics per broker, created with the AdminClient in batches of %,d (the first"
                        + " %d on their own). Brokers one at a time, each on a fresh data directory, under `ulimit -n"
                        + " %d` (soft and hard): %s.%n",
                s.topics(),
                s.batchSize(),
                ScaleSettings.FIRST_TOPICS,
                s.openFileLimit(),
                String.join(
                        ", ",
                        s.brokers().stream()
                                .map(b -> b.label() + " (" + b.description() + ")")
                                .toList())));
        md.append("- Broker JVM flags (identical): `")
                .append(String.join(" ", s.jvmFlags()))
                .append("`.\n");
        md.append(String.format(
                Locale.ROOT,
                "- Throughput check: %d producers (acks=all, %d-byte records) for %s s on %d one-partition busy"
                        + " topics, then %d consumers read them back; once on the broker with 10 topics (after an"
                        + " unmeasured produce as long, which warms it up), once on fresh busy topics beside every topic"
                        + " created.%n",
                s.producers(),
                s.recordSize(),
                Stats.format(s.produceDuration().toMillis() / 1000.0),
                s.busyTopics(),
                s.consumers()));
        md.append("- Metadata latency: one topic per request, one request at a time on one connection, 100"
                + " unmeasured then 1,000 measured. Restart times run from the JVM's launch until one Metadata"
                + " request lists every topic created, each with a leader.\n");
        md.append("- Resources: open descriptors (`/proc/<pid>/fd`), threads and RSS (`/proc/<pid>/status`),"
                + " live heap = the Total of `jcmd <pid> GC.class_histogram`, which runs a full GC first so only"
                + " reachable objects count. Heap per idle partition = the live heap's growth from 10 topics to"
                + " every topic created, divided by the partitions added (idle and busy). A clean shutdown ends"
                + " with exit code 0 (Millrace) or 143 (Kafka: the JVM ran its shutdown hooks on SIGTERM).\n\n");
        if (r.session(BrokerSetup.MILLRACE) != null) {
            targets(md, r);
        }
        figures(md, r);
        resources(md, r);
        md.append("## Errors, and where each broker stopped\n\n");
        md.append("The brokers' logs: `")
                .append(s.workDir().resolve("logs"))
                .append("/scale-<broker>.log`. Kafka answers CreateTopics once its controller has"
                        + " committed the topics and creates their logs afterwards, so it may run out of"
                        + " descriptors after answering.\n\n");
        for (ScaleResult.Session session : r.sessions()) {
            md.append("- **").append(session.setup().label()).append("**: ");
            if (session.errors().isEmpty()) {
                md.append("none; every step ran.\n");
            } else {
                md.append('\n');
                for (String error : session.errors()) {
                    md.append("  - ").append(error.replace("\n", " ")).append('\n');
                }
            }
        }
        md.append("\nRatios are Millrace ÷ Kafka, where both brokers have the figure.\n");
        return md.toString();
    }

    private static void targets(StringBuilder md, ScaleResult r) {
        ScaleResult.Session m = r.session(BrokerSetup.MILLRACE);
        int topics = r.settings().topics();
        boolean judged = topics == TARGET_TOPICS;
        md.append("## Targets of issue 13 (Millrace, 100,000 topics, `ulimit -n 1024`)\n\n");
        if (!judged || r.settings().openFileLimit() != 1024) {
            md.append("This run had ")
                    .append(String.format(Locale.ROOT, "%,d", topics))
                    .append(" topics under `ulimit -n ")
                    .append(r.settings().openFileLimit())
                    .append("`: the targets are shown, not judged.\n\n");
            judged = false;
        }
        md.append("| target | measured | met |\n|---|---|---|\n");
        double created = m.figure(ScaleFigure.TOPICS_CREATED);
        target(md, "every topic created", number(created), judged, created == topics);
        double create = m.figure(ScaleFigure.CREATE_S);
        target(md, "created in under 100 s", number(create, "s"), judged, created == topics && create < 100);
        double kill9 = m.figure(ScaleFigure.KILL9_RESTART_S);
        target(md, "ready after kill -9 in under 10 s", number(kill9, "s"), judged, kill9 < 10);
        double shutdown = m.figure(ScaleFigure.CLEAN_SHUTDOWN_S);
        target(md, "clean shutdown in under 10 s", number(shutdown, "s"), judged, shutdown < 10);
        double heap = m.resource(ScaleResult.Point.ALL_TOPICS, ScaleResult.Resource.LIVE_HEAP_MB);
        target(md, "live heap under 2 GB", number(heap, "MB"), judged, heap < 2000);
        double metadata =
                Stats.ratio(m.figure(ScaleFigure.METADATA_P50_AT_N), m.figure(ScaleFigure.METADATA_P50_AT_10));
        md.append("| Metadata for one topic as fast as with 10 topics | p50 ")
                .append(Stats.formatRatio(metadata))
                .append(" of the 10-topic figure | (read it) |\n");
        double produce = Stats.ratio(m.figure(ScaleFigure.PRODUCE_WITH), m.figure(ScaleFigure.PRODUCE_WITHOUT));
        double consume = Stats.ratio(m.figure(ScaleFigure.CONSUME_WITH), m.figure(ScaleFigure.CONSUME_WITHOUT));
        md.append("| busy topics no slower beside the idle ones | produce ")
                .append(Stats.formatRatio(produce))
                .append(", consume ")
                .append(Stats.formatRatio(consume))
                .append(" of alone | (read it) |\n\n");
    }

    private static void target(StringBuilder md, String what, String measured, boolean judged, boolean met) {
        md.append("| ")
                .append(what)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(judged ? (met ? "yes" : "no") : "—")
                .append(" |\n");
    }

    private static void figures(StringBuilder md, ScaleResult r) {
        md.append("## Figures\n\n");
        header(md, r, "figure");
        for (ScaleFigure f : ScaleFigure.values()) {
            md.append("| ").append(f.label(r.settings().topics())).append(" |");
            for (ScaleResult.Session s : r.sessions()) {
                md.append(' ').append(number(s.figure(f))).append(" |");
            }
            ratios(md, r, k -> r.ratio(f, k));
        }
        md.append('\n');
    }

    private static void resources(StringBuilder md, ScaleResult r) {
        md.append("## Resources\n\n");
        header(md, r, "when / what");
        for (ScaleResult.Point p : ScaleResult.Point.values()) {
            for (ScaleResult.Resource res : ScaleResult.Resource.values()) {
                md.append("| ")
                        .append(p.label())
                        .append(": ")
                        .append(res.label())
                        .append(" |");
                for (ScaleResult.Session s : r.sessions()) {
                    md.append(' ').append(number(s.resource(p, res))).append(" |");
                }
                ratios(md, r, k -> r.ratio(p, res, k));
            }
        }
        md.append('\n');
    }

    private static void header(StringBuilder md, ScaleResult r, String first) {
        md.append("| ").append(first).append(" |");
        for (ScaleResult.Session s : r.sessions()) {
            md.append(' ').append(s.setup().label()).append(" |");
        }
        List<BrokerSetup> kafkas = comparedKafkas(r);
        for (BrokerSetup k : kafkas) {
            md.append(" Millrace / ").append(k.label()).append(" |");
        }
        md.append("\n|---|")
                .append("---:|".repeat(r.sessions().size() + kafkas.size()))
                .append('\n');
    }

    private static void ratios(StringBuilder md, ScaleResult r, ToDoubleFunction<BrokerSetup> ratio) {
        for (BrokerSetup k : comparedKafkas(r)) {
            md.append(' ').append(Stats.formatRatio(ratio.applyAsDouble(k))).append(" |");
        }
        md.append('\n');
    }

    /** The Kafka configurations Millrace is compared with: none when Millrace did not run. */
    private static List<BrokerSetup> comparedKafkas(ScaleResult r) {
        return r.session(BrokerSetup.MILLRACE) == null ? List.of() : r.kafkaSetups();
    }

    /** Whole numbers (counts, bytes, larger figures) without decimals, the rest as {@link Stats#format}. */
    static String number(double v) {
        return !Double.isNaN(v) && v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : Stats.format(v);
    }

    /** The JSON key of a figure, point or resource: its name in lower case. */
    private static String key(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** {@link #number(double)} with a unit, or "n/a". */
    private static String number(double v, String unit) {
        return Double.isNaN(v) ? "n/a" : number(v) + " " + unit;
    }

    static String json(ScaleResult r) {
        ScaleSettings s = r.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", "scale");
        root.put("name", s.name());
        root.put("started", r.started().toString());
        root.put("finished", r.finished().toString());
        root.put("machine", Machine.facts());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("topics", s.topics());
        settings.put("batch_size", s.batchSize());
        settings.put("open_file_limit", s.openFileLimit());
        settings.put("broker_jvm_flags", s.jvmFlags());
        settings.put("busy_topics", s.busyTopics());
        settings.put("producers", s.producers());
        settings.put("consumers", s.consumers());
        settings.put("record_bytes", s.recordSize());
        settings.put("produce_s", s.produceDuration().toMillis() / 1000.0);
        settings.put("step_timeout_s", s.stepTimeout().toSeconds());
        settings.put("kafka_clients", Machine.kafkaClientsVersion());
        root.put("settings", settings);
        List<Object> brokers = new ArrayList<>();
        for (ScaleResult.Session session : r.sessions()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("id", session.setup().id());
            b.put("label", session.setup().label());
            Map<String, Object> figures = new LinkedHashMap<>();
            for (ScaleFigure f : ScaleFigure.values()) {
                figures.put(key(f), session.figure(f));
            }
            b.put("figures", figures);
            Map<String, Object> resources = new LinkedHashMap<>();
            for (ScaleResult.Point p : ScaleResult.Point.values()) {
                Map<String, Object> held = new LinkedHashMap<>();
                for (ScaleResult.Resource res : ScaleResult.Resource.values()) {
                    held.put(key(res), session.resource(p, res));
                }
                resources.put(key(p), held);
            }
            b.put("resources", resources);
            b.put("errors", session.errors());
            brokers.add(b);
        }
        root.put("brokers", brokers);
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (BrokerSetup k : comparedKafkas(r)) {
            Map<String, Object> ofKafka = new LinkedHashMap<>();
            for (ScaleFigure f : ScaleFigure.values()) {
                ofKafka.put(key(f), r.ratio(f, k));
            }
            for (ScaleResult.Point p : ScaleResult.Point.values()) {
                for (ScaleResult.Resource res : ScaleResult.Resource.values()) {
                    ofKafka.put(key(p) + "/" + key(res), r.ratio(p, res, k));
                }
            }
            ratios.put("millrace/" + k.id(), ofKafka);
        }
        root.put("ratios", ratios);
        return Json.write(root);
    }
}
