package io.millrace.bench;

import java.util.Locale;

/**
 * A broker configuration under test. Kafka runs twice: with its default (asynchronous) flushing,
 * and with {@code flush.messages=1} so that, like Millrace, it fsyncs before acknowledging.
 */
enum BrokerSetup {
    KAFKA("Kafka 4.3.1", "Apache Kafka 4.3.1, single-node KRaft, default configuration (no fsync before ack)"),
    MILLRACE("Millrace", "Millrace, default configuration (acks=all waits for the group-commit fsync)"),
    KAFKA_FSYNC("Kafka 4.3.1 fsync", "Apache Kafka 4.3.1, single-node KRaft, flush.messages=1 (fsync before ack)");

    private final String label;
    private final String description;

    BrokerSetup(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Short name used in tables and the chart legend. */
    String label() {
        return label;
    }

    String description() {
        return description;
    }

    /** Identifier used on the command line and in the JSON output. */
    String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    boolean isKafka() {
        return this != MILLRACE;
    }

    static BrokerSetup fromId(String id) {
        for (BrokerSetup s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown broker '" + id + "'; use one of: kafka, millrace, kafka-fsync");
    }
}
