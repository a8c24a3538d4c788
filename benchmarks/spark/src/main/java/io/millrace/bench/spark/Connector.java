package io.millrace.bench.spark;

import java.util.Map;

/**
 * A connector under test: a Spark data source format and the options that set it apart. The
 * options every run shares (bootstrap servers, topic, offsets) come from {@link BenchQueries}, so
 * runs of different connectors differ only in these.
 */
enum Connector {
    /** Ours, in its defaults: exactly-once for a sink. */
    MILLRACE("millrace", "millrace", null, false),
    /** Ours, a sink with plain idempotent producers. */
    MILLRACE_AT_LEAST_ONCE("millrace-alo", "millrace", "at-least-once", true),
    /** spark-sql-kafka-0-10 of the same Spark version. */
    KAFKA("kafka", "kafka", null, false);

    private final String id;
    private final String format;
    /** The sink's {@code deliveryGuarantee} option, or {@code null} for the connector's default. */
    private final String deliveryGuarantee;

    private final boolean sinkOnly;

    Connector(String id, String format, String deliveryGuarantee, boolean sinkOnly) {
        this.id = id;
        this.format = format;
        this.deliveryGuarantee = deliveryGuarantee;
        this.sinkOnly = sinkOnly;
    }

    /** The name in reports and on the command line. */
    String id() {
        return id;
    }

    /** The argument of {@code format(...)}. */
    String format() {
        return format;
    }

    /** Options a sink of this connector gets on top of the shared ones. */
    Map<String, String> sinkOptions() {
        return deliveryGuarantee == null ? Map.of() : Map.of("deliveryGuarantee", deliveryGuarantee);
    }

    /** Whether {@code workload} measures this connector (a sink-only variant reads nothing). */
    boolean runs(Workload workload) {
        return workload.isSink() || !sinkOnly;
    }

    /** Whether this is one of ours, compared against {@link #KAFKA}. */
    boolean isMillrace() {
        return this != KAFKA;
    }

    static Connector byId(String id) {
        for (Connector connector : values()) {
            if (connector.id.equals(id)) {
                return connector;
            }
        }
        throw new IllegalArgumentException("No connector " + id + "; one of millrace, millrace-alo, kafka");
    }
}
