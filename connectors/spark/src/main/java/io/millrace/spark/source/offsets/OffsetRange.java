package io.millrace.spark.source.offsets;

import java.io.Serializable;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets {@code [from, until)} of one partition that one Spark task reads. Its size counts
 * offsets, not records: compaction and transaction markers leave offsets without records.
 * Immutable.
 */
public record OffsetRange(TopicPartition partition, long from, long until) implements Serializable {

    public long size() {
        return until - from;
    }
}
