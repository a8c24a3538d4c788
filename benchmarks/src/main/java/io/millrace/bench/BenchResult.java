package io.millrace.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * Everything a run measured, with the medians and ratios the reports print.
 *
 * @param fixedRates  the fixed latency rate (records/s) used in each round
 * @param profiles    JFR recordings written (profile mode only)
 * @param threadCpu   per-thread CPU of the broker during each workload (profile mode only)
 */
record BenchResult(
        BenchSettings settings,
        Instant started,
        Instant finished,
        List<Measurement> measurements,
        Map<Integer, Double> fixedRates,
        List<Path> profiles,
        List<ThreadCpu> threadCpu) {

    /**
     * CPU time per broker thread name (digits folded) during one workload.
     *
     * @param cpu        thread name to {user, system} nanoseconds
     * @param wallNanos  length of the workload
     */
    record ThreadCpu(BrokerSetup setup, int round, Workload workload, Map<String, long[]> cpu, long wallNanos) {

        static Map<String, long[]> delta(Map<String, long[]> before, Map<String, long[]> after) {
            Map<String, long[]> out = new TreeMap<>();
            after.forEach((name, a) -> {
                long[] b = before.getOrDefault(name, new long[2]);
                out.put(name, new long[] {Math.max(0, a[0] - b[0]), Math.max(0, a[1] - b[1])});
            });
            return out;
        }
    }

    /** The values of one figure of one workload on one broker, one per round. */
    List<Double> runs(Workload w, Figure f, BrokerSetup setup) {
        return perRound(w, setup, m -> m.figures().getOrDefault(f, Double.NaN));
    }

    /** Cores used by other processes during each round's run of a workload on a broker. */
    List<Double> otherCpuCores(Workload w, BrokerSetup setup) {
        return perRound(w, setup, Measurement::otherCpuCores);
    }

    /** Cores used by kernel threads and interrupt handling during each round's run of a workload on a broker. */
    List<Double> kernelCpuCores(Workload w, BrokerSetup setup) {
        return perRound(w, setup, Measurement::kernelCpuCores);
    }

    /** Cores used by the harness (the clients) during each round's run of a workload on a broker. */
    List<Double> harnessCpuCores(Workload w, BrokerSetup setup) {
        return perRound(w, setup, Measurement::harnessCpuCores);
    }

    private List<Double> perRound(Workload w, BrokerSetup setup, ToDoubleFunction<Measurement> f) {
        List<Double> out = new ArrayList<>();
        for (Measurement m : measurements) {
            if (m.workload() == w && m.setup() == setup) {
                out.add(f.applyAsDouble(m));
            }
        }
        return out;
    }

    double median(Workload w, Figure f, BrokerSetup setup) {
        return Stats.median(runs(w, f, setup));
    }

    /** Millrace's median divided by {@code other}'s. */
    double ratio(Workload w, Figure f, BrokerSetup other) {
        return Stats.ratio(median(w, f, BrokerSetup.MILLRACE), median(w, f, other));
    }

    /** All rounds' latencies of one workload on one broker, merged; null when there are none. */
    Histogram mergedLatency(Workload w, BrokerSetup setup) {
        Histogram merged = null;
        for (Measurement m : measurements) {
            if (m.workload() == w && m.setup() == setup && m.latency() != null) {
                if (merged == null) {
                    merged = LatencyWorkloads.newHistogram();
                }
                merged.add(m.latency());
            }
        }
        return merged;
    }

    /** The Kafka configurations Millrace is compared with, in run order. */
    List<BrokerSetup> kafkaSetups() {
        return settings.brokers().stream().filter(BrokerSetup::isKafka).toList();
    }

    boolean hasMillrace() {
        return settings.brokers().contains(BrokerSetup.MILLRACE);
    }
}
