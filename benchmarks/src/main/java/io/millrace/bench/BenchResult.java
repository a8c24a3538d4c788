package io.millrace.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything a run measured, with the medians and ratios the reports print.
 *
 * @param fixedRates  the fixed latency rate (records/s) used in each round
 * @param profiles    JFR recordings written (profile mode only)
 */
record BenchResult(BenchSettings settings, Instant started, Instant finished, List<Measurement> measurements,
                   Map<Integer, Double> fixedRates, List<Path> profiles) {

    /** The values of one figure of one workload on one broker, one per round. */
    List<Double> runs(Workload w, Figure f, BrokerSetup setup) {
        List<Double> out = new ArrayList<>();
        for (Measurement m : measurements) {
            if (m.workload() == w && m.setup() == setup) {
                out.add(m.figures().get(f));
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
