package io.millrace.bench;

import java.util.List;

/** The workloads of a run, in the order each broker session runs them, with the figures each reports. */
enum Workload {
    PRODUCE_ACKS_1("produce-acks1", "Produce, acks=1", Figure.THROUGHPUT),
    PRODUCE_ACKS_ALL("produce-acksall", "Produce, acks=all", Figure.THROUGHPUT),
    CONSUME("consume", "Consume from the start", Figure.THROUGHPUT),
    LATENCY_ONE_IN_FLIGHT("latency-1inflight", "End-to-end latency, one record in flight", Figure.LATENCY),
    LATENCY_FIXED_RATE("latency-fixedrate", "End-to-end latency, fixed rate (half of max)", Figure.LATENCY);

    private final String id;
    private final String title;
    private final List<Figure> figures;

    Workload(String id, String title, List<Figure> figures) {
        this.id = id;
        this.title = title;
        this.figures = figures;
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    /** The figures this workload reports, in table order. */
    List<Figure> figures() {
        return figures;
    }

    boolean isLatency() {
        return figures == Figure.LATENCY;
    }
}
