package io.millrace.bench;

import java.util.Locale;

/**
 * One figure of the scale workload, its label ("{N}" stands for the number of topics) and which
 * direction is better.
 */
enum ScaleFigure {
    TOPICS_CREATED("topics created before an error (of {N})", true),
    CREATE_S("CreateTopics time for all but the first 10, s", false),
    CREATE_RATE("creation rate, topics/s", true),
    METADATA_P50_AT_10("Metadata of one topic with 10 topics, p50 ms", false),
    METADATA_P99_AT_10("Metadata of one topic with 10 topics, p99 ms", false),
    METADATA_P50_AT_N("Metadata of one topic with every topic created, p50 ms", false),
    METADATA_P99_AT_N("Metadata of one topic with every topic created, p99 ms", false),
    HEAP_PER_IDLE_PARTITION("live heap per idle partition, bytes", false),
    PRODUCE_WITHOUT("produce acks=all on the busy topics alone, MB/s", true),
    PRODUCE_WITH("produce acks=all on the busy topics beside every topic created, MB/s", true),
    CONSUME_WITHOUT("consume the busy topics alone, MB/s", true),
    CONSUME_WITH("consume the busy topics beside every topic created, MB/s", true),
    CLEAN_SHUTDOWN_S("clean shutdown (SIGTERM to exit), s", false),
    CLEAN_RESTART_S("clean restart until Metadata serves every topic, s", false),
    KILL9_RESTART_S("restart after kill -9 until Metadata serves every topic, s", false);

    private final String label;
    private final boolean higherIsBetter;

    ScaleFigure(String label, boolean higherIsBetter) {
        this.label = label;
        this.higherIsBetter = higherIsBetter;
    }

    /** The label with "N" replaced by the number of topics of the run. */
    String label(int topics) {
        return label.replace("{N}", String.format(Locale.ROOT, "%,d", topics));
    }

    boolean higherIsBetter() {
        return higherIsBetter;
    }
}
