package io.millrace.flink.sink;

import javax.annotation.Nullable;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * The schema {@link MillraceRecordSerializationSchemaBuilder} builds: topic from a selector, key and
 * value from their serializers, partition from the partitioner (or left to the producer), headers
 * from the provider, and the element's timestamp as the record's. Each writer uses its own copy.
 *
 * @param <T> the type of the sink's elements
 */
final class ComposedRecordSerializationSchema<T> implements MillraceRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final TopicSelector<? super T> topics;

    @Nullable
    private final FieldSerializer<? super T> keys;

    private final FieldSerializer<? super T> values;

    @Nullable
    private final MillracePartitioner<? super T> partitioner;

    @Nullable
    private final HeaderProvider<? super T> headers;

    ComposedRecordSerializationSchema(
            TopicSelector<? super T> topics,
            @Nullable FieldSerializer<? super T> keys,
            FieldSerializer<? super T> values,
            @Nullable MillracePartitioner<? super T> partitioner,
            @Nullable HeaderProvider<? super T> headers) {
        this.topics = topics;
        this.keys = keys;
        this.values = values;
        this.partitioner = partitioner;
        this.headers = headers;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, MillraceSinkContext sinkContext)
            throws Exception {
        if (keys != null) {
            keys.open(context);
        }
        values.open(context);
        if (partitioner != null) {
            partitioner.open(sinkContext.getParallelInstanceId(), sinkContext.getNumberOfParallelInstances());
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, MillraceSinkContext context, @Nullable Long timestamp) {
        String topic = topics.apply(element);
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("The topic selector chose no topic for " + element);
        }
        byte[] key = keys == null ? null : keys.serialize(element, topic);
        byte[] value = values.serialize(element, topic);
        Integer partition = partitioner == null
                ? null
                : partitioner.partition(element, key, value, topic, context.getPartitionsForTopic(topic));
        Headers recordHeaders = headers == null ? null : headers.getHeaders(element);
        return new ProducerRecord<>(topic, partition, timestamp, key, value, recordHeaders);
    }
}
