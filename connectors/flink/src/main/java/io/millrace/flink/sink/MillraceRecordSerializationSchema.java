package io.millrace.flink.sink;

import java.io.Serializable;
import javax.annotation.Nullable;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns the sink's elements into the records it writes: topic, partition (or none, for the
 * producer's partitioner), key, value, timestamp and headers. The counterpart of
 * {@code KafkaRecordSerializationSchema}; {@link #builder()} covers the usual cases.
 *
 * <p>Each writer uses its own copy from its task thread only.
 *
 * @param <T> the type of the sink's elements
 */
@PublicEvolving
public interface MillraceRecordSerializationSchema<T> extends Serializable {

    /** Called once per writer before the first {@link #serialize}, e.g. to open nested schemas. */
    default void open(SerializationSchema.InitializationContext context, MillraceSinkContext sinkContext)
            throws Exception {}

    /**
     * The record for {@code element}, or {@code null} to write nothing for it.
     *
     * @param timestamp the element's timestamp in the stream, or {@code null} if it has none
     */
    @Nullable
    ProducerRecord<byte[], byte[]> serialize(T element, MillraceSinkContext context, @Nullable Long timestamp);

    /** A builder for a schema made of a topic (selector), key and value schemas, a partitioner and headers. */
    static <T> MillraceRecordSerializationSchemaBuilder<T> builder() {
        return new MillraceRecordSerializationSchemaBuilder<>();
    }

    /** What a schema may know about the writer it serves. */
    @PublicEvolving
    interface MillraceSinkContext {

        /** The index of the writer's subtask. */
        int getParallelInstanceId();

        /** The sink's parallelism. */
        int getNumberOfParallelInstances();

        /** The partition numbers of {@code topic}, ascending; looked up once per topic and writer. */
        int[] getPartitionsForTopic(String topic);
    }
}
