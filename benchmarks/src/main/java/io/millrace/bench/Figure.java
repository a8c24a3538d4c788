package io.millrace.bench;

import java.util.List;
import java.util.Locale;

/** One measured quantity, its unit and which direction is better. */
enum Figure {
    MB_PER_S("MB/s", "throughput, MB/s (10^6 bytes of record values)", true),
    RECORDS_PER_S("records/s", "records per second", true),
    P50_MS("p50 ms", "latency, 50th percentile, ms", false),
    P99_MS("p99 ms", "latency, 99th percentile, ms", false),
    P999_MS("p99.9 ms", "latency, 99.9th percentile, ms", false),
    MAX_MS("max ms", "latency, maximum, ms", false),
    BROKER_CPU_S("broker CPU s", "broker process CPU time (user + system) during the workload, s", false),
    CPU_MS_PER_MB("CPU ms/MB", "broker CPU milliseconds per MB moved", false),
    PEAK_RSS_MB("peak RSS MB", "broker peak resident set size during the workload, MB", false);

    static final List<Figure> THROUGHPUT = List.of(MB_PER_S, RECORDS_PER_S, BROKER_CPU_S, CPU_MS_PER_MB, PEAK_RSS_MB);
    static final List<Figure> LATENCY =
            List.of(P50_MS, P99_MS, P999_MS, MAX_MS, RECORDS_PER_S, BROKER_CPU_S, CPU_MS_PER_MB, PEAK_RSS_MB);

    private final String header;
    private final String description;
    private final boolean higherIsBetter;

    Figure(String header, String description, boolean higherIsBetter) {
        this.header = header;
        this.description = description;
        this.higherIsBetter = higherIsBetter;
    }

    String header() {
        return header;
    }

    String description() {
        return description;
    }

    boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** JSON key. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
