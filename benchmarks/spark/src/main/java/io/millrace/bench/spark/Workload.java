package io.millrace.bench.spark;

/** What one measured run does: read the pre-produced input, or write generated rows, in a batch job or a streaming query. */
enum Workload {
    SOURCE_BATCH("source-batch", "source, batch: spark.read over the input, count and sum(length(value))"),
    SOURCE_MICRO_BATCH(
            "source-micro-batch", "source, micro-batch: Trigger.AvailableNow over the input into a foreachBatch count"),
    SINK_BATCH("sink-batch", "sink, batch: df.write.save() of generated rows into a fresh topic"),
    SINK_STREAMING("sink-streaming", "sink, streaming: Trigger.AvailableNow from Parquet files into a fresh topic");

    private final String id;
    private final String title;

    Workload(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** The name in reports and on the command line. */
    String id() {
        return id;
    }

    String title() {
        return title;
    }

    boolean isSink() {
        return this == SINK_BATCH || this == SINK_STREAMING;
    }

    static Workload byId(String id) {
        for (Workload workload : values()) {
            if (workload.id.equals(id)) {
                return workload;
            }
        }
        throw new IllegalArgumentException(
                "No workload " + id + "; one of source-batch, source-micro-batch, sink-batch, sink-streaming");
    }
}
