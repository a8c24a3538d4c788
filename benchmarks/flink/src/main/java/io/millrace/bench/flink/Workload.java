package io.millrace.bench.flink;

import org.apache.flink.connector.base.DeliveryGuarantee;

/** What one measured job does: read the pre-produced input, or write generated records with a guarantee. */
enum Workload {
    SOURCE("source", "source: bounded read into a discarding sink", null),
    SINK_AT_LEAST_ONCE(
            "sink-at-least-once",
            "sink, AT_LEAST_ONCE: generated records into a fresh topic",
            DeliveryGuarantee.AT_LEAST_ONCE),
    SINK_EXACTLY_ONCE(
            "sink-exactly-once",
            "sink, EXACTLY_ONCE: generated records into a fresh topic",
            DeliveryGuarantee.EXACTLY_ONCE);

    private final String id;
    private final String title;
    private final DeliveryGuarantee guarantee;

    Workload(String id, String title, DeliveryGuarantee guarantee) {
        this.id = id;
        this.title = title;
        this.guarantee = guarantee;
    }

    /** The name in reports, file names and on the command line. */
    String id() {
        return id;
    }

    String title() {
        return title;
    }

    boolean isSink() {
        return guarantee != null;
    }

    /** The sink's delivery guarantee; only for a sink workload. */
    DeliveryGuarantee guarantee() {
        if (guarantee == null) {
            throw new IllegalStateException(id + " writes nothing");
        }
        return guarantee;
    }

    static Workload byId(String id) {
        for (Workload workload : values()) {
            if (workload.id.equals(id)) {
                return workload;
            }
        }
        throw new IllegalArgumentException(
                "No workload " + id + "; one of source, sink-at-least-once, sink-exactly-once");
    }
}
