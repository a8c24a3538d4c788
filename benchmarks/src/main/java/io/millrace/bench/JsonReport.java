package io.millrace.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The machine-readable report: settings, every run's figures, medians, Millrace's ratios and the
 * merged latency percentiles per broker. Stateless.
 */
final class JsonReport {

    /** Percentiles listed for each latency workload. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private static final String[] PERCENTILE_KEYS = {"p50", "p90", "p99", "p99.9", "p99.99"};

    private JsonReport() {}

    static String render(BenchResult r) {
        BenchSettings s = r.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", s.mode());
        root.put("name", s.name());
        root.put("started", r.started().toString());
        root.put("finished", r.finished().toString());
        root.put("machine", Machine.facts());
        root.put("settings", settings(s));
        List<Object> brokers = new ArrayList<>();
        for (BrokerSetup b : s.brokers()) {
            brokers.add(Map.of("id", b.id(), "label", b.label(), "description", b.description()));
        }
        root.put("brokers", brokers);
        Map<String, Object> rates = new LinkedHashMap<>();
        r.fixedRates().forEach((round, rate) -> rates.put(Integer.toString(round), rate));
        root.put("fixed_rate_records_per_s", rates);
        List<Object> workloads = new ArrayList<>();
        for (Workload w : Workload.values()) {
            workloads.add(workload(r, w));
        }
        root.put("workloads", workloads);
        root.put(
                "profiles",
                r.profiles().stream().map(p -> p.getFileName().toString()).toList());
        return Json.write(root);
    }

    private static Map<String, Object> settings(BenchSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rounds", s.rounds());
        m.put("warmup_s", s.warmup().toMillis() / 1000.0);
        m.put("produce_s", s.produceDuration().toMillis() / 1000.0);
        m.put("latency_s", s.latencyDuration().toMillis() / 1000.0);
        m.put("producers", s.producers());
        m.put("consumers", s.consumers());
        m.put("partitions", s.partitions());
        m.put("record_bytes", s.recordSize());
        m.put("broker_jvm_flags", s.jvmFlags());
        m.put("reference_broker", s.reference().id());
        m.put("kafka_clients", Machine.kafkaClientsVersion());
        return m;
    }

    private static Map<String, Object> workload(BenchResult r, Workload w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("title", w.title());
        List<Object> figures = new ArrayList<>();
        for (Figure f : w.figures()) {
            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("figure", f.key());
            fig.put("unit", f.header());
            fig.put("description", f.description());
            fig.put("higher_is_better", f.higherIsBetter());
            Map<String, Object> medians = new LinkedHashMap<>();
            Map<String, Object> runs = new LinkedHashMap<>();
            for (BrokerSetup b : r.settings().brokers()) {
                medians.put(b.id(), r.median(w, f, b));
                runs.put(b.id(), r.runs(w, f, b));
            }
            fig.put("median", medians);
            fig.put("runs", runs);
            if (r.hasMillrace()) {
                Map<String, Object> ratios = new LinkedHashMap<>();
                for (BrokerSetup k : r.kafkaSetups()) {
                    ratios.put("millrace/" + k.id(), r.ratio(w, f, k));
                }
                fig.put("ratio", ratios);
            }
            figures.add(fig);
        }
        m.put("figures", figures);
        Map<String, Object> noise = new LinkedHashMap<>();
        for (BrokerSetup b : r.settings().brokers()) {
            noise.put(b.id(), r.otherCpuCores(w, b));
        }
        m.put("other_processes_cpu_cores", noise);
        Map<String, Object> harness = new LinkedHashMap<>();
        for (BrokerSetup b : r.settings().brokers()) {
            harness.put(b.id(), r.harnessCpuCores(w, b));
        }
        m.put("harness_cpu_cores", harness);
        Map<String, Object> kernel = new LinkedHashMap<>();
        for (BrokerSetup b : r.settings().brokers()) {
            kernel.put(b.id(), r.kernelCpuCores(w, b));
        }
        m.put("kernel_cpu_cores", kernel);
        if (w.isLatency()) {
            Map<String, Object> percentiles = new LinkedHashMap<>();
            for (BrokerSetup b : r.settings().brokers()) {
                Histogram h = r.mergedLatency(w, b);
                if (h == null) {
                    continue;
                }
                Map<String, Object> ms = new LinkedHashMap<>();
                for (int i = 0; i < PERCENTILES.length; i++) {
                    ms.put(PERCENTILE_KEYS[i], h.getValueAtPercentile(PERCENTILES[i]) / 1000.0);
                }
                ms.put("max", h.getMaxValue() / 1000.0);
                ms.put("count", h.getTotalCount());
                percentiles.put(b.id(), ms);
            }
            m.put("merged_latency_ms", percentiles);
        }
        return m;
    }
}
