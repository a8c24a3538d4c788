package io.millrace.spark.source.offsets;

import io.millrace.spark.options.PartitionsJson;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * The source's position in Spark's checkpoint: for each partition the offset of the next record
 * to read (like {@code KafkaConsumer.position}), in spark-sql-kafka-0-10's JSON
 * ({@code {"topic":{"0":42}}}) so a checkpoint reads the same under either source. Immutable.
 */
public final class PartitionOffsets extends Offset {

    private final Map<TopicPartition, Long> offsets;

    public PartitionOffsets(Map<TopicPartition, Long> offsets) {
        this.offsets = Map.copyOf(offsets);
    }

    /** Reads an offset from the checkpoint's JSON. */
    public static PartitionOffsets fromJson(String json) {
        return new PartitionOffsets(PartitionsJson.offsets(json));
    }

    public Map<TopicPartition, Long> offsets() {
        return offsets;
    }

    @Override
    public String json() {
        return PartitionsJson.write(offsets);
    }
}
