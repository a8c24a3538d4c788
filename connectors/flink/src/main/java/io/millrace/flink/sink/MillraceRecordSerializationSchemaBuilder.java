package io.millrace.flink.sink;

import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Builds a {@link MillraceRecordSerializationSchema} with the methods and meanings of
 * {@code KafkaRecordSerializationSchemaBuilder}: a topic or a topic selector (required), a value
 * schema or Kafka serializer (required), optionally a key schema or serializer, a partitioner and a
 * header provider. Each setting can be made once. The element type narrows to that of the first
 * typed setting, so {@code MillraceRecordSerializationSchema.builder().setTopic("t")
 * .setValueSerializationSchema(new SimpleStringSchema()).build()} is a schema of strings.
 *
 * <p>Not thread-safe; use it from one thread.
 *
 * @param <IN> the type of the sink's elements
 */
@PublicEvolving
public final class MillraceRecordSerializationSchemaBuilder<IN> {

    private TopicSelector<? super IN> topicSelector;
    private String topic;
    private FieldSerializer<? super IN> keySerializer;
    private FieldSerializer<? super IN> valueSerializer;
    private MillracePartitioner<? super IN> partitioner;
    private HeaderProvider<? super IN> headerProvider;

    MillraceRecordSerializationSchemaBuilder() {}

    /** Writes every record to {@code topic} (a name, or {@code stream:topic}). */
    public MillraceRecordSerializationSchemaBuilder<IN> setTopic(String topic) {
        requireNoTopic();
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("setTopic: the topic must not be blank");
        }
        this.topic = topic;
        return this;
    }

    /** Writes each record to the topic {@code topicSelector} chooses for its element. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setTopicSelector(
            TopicSelector<? super T> topicSelector) {
        requireNoTopic();
        MillraceRecordSerializationSchemaBuilder<T> self = self();
        self.topicSelector = Objects.requireNonNull(topicSelector, "setTopicSelector: selector");
        return self;
    }

    /** Serializes each element into its record's key; without a key setting records have no key. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setKeySerializationSchema(
            SerializationSchema<? super T> keySerializationSchema) {
        requireNoKey();
        MillraceRecordSerializationSchemaBuilder<T> self = self();
        self.keySerializer =
                FieldSerializer.of(Objects.requireNonNull(keySerializationSchema, "setKeySerializationSchema: schema"));
        return self;
    }

    /** Serializes keys with a Kafka {@link Serializer} made from its no-argument constructor. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setKafkaKeySerializer(
            Class<? extends Serializer<? super T>> keySerializer) {
        return setKafkaKeySerializer(keySerializer, Map.of());
    }

    /** Serializes keys with a Kafka {@link Serializer}, configured with {@code configuration}. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setKafkaKeySerializer(
            Class<? extends Serializer<? super T>> keySerializer, Map<String, String> configuration) {
        requireNoKey();
        MillraceRecordSerializationSchemaBuilder<T> self = self();
        self.keySerializer = FieldSerializer.of(
                Objects.requireNonNull(keySerializer, "setKafkaKeySerializer: class"), configuration, true);
        return self;
    }

    /** Serializes each element into its record's value. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setValueSerializationSchema(
            SerializationSchema<T> valueSerializationSchema) {
        requireNoValue();
        MillraceRecordSerializationSchemaBuilder<T> self = self();
        self.valueSerializer = FieldSerializer.of(
                Objects.requireNonNull(valueSerializationSchema, "setValueSerializationSchema: schema"));
        return self;
    }

    /** Serializes values with a Kafka {@link Serializer} made from its no-argument constructor. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setKafkaValueSerializer(
            Class<? extends Serializer<? super T>> valueSerializer) {
        return setKafkaValueSerializer(valueSerializer, Map.of());
    }

    /** Serializes values with a Kafka {@link Serializer}, configured with {@code configuration}. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setKafkaValueSerializer(
            Class<? extends Serializer<? super T>> valueSerializer, Map<String, String> configuration) {
        requireNoValue();
        MillraceRecordSerializationSchemaBuilder<T> self = self();
        self.valueSerializer = FieldSerializer.of(
                Objects.requireNonNull(valueSerializer, "setKafkaValueSerializer: class"), configuration, false);
        return self;
    }

    /** Chooses each record's partition; without one the producer's partitioner does. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setPartitioner(
            MillracePartitioner<? super T> partitioner) {
        if (this.partitioner != null) {
            throw new IllegalStateException("setPartitioner: a partitioner is already set");
        }
        MillraceRecordSerializationSchemaBuilder<T> self = self();
        self.partitioner = Objects.requireNonNull(partitioner, "setPartitioner: partitioner");
        return self;
    }

    /** Adds headers to each record. */
    public <T extends IN> MillraceRecordSerializationSchemaBuilder<T> setHeaderProvider(
            HeaderProvider<? super T> headerProvider) {
        if (this.headerProvider != null) {
            throw new IllegalStateException("setHeaderProvider: a header provider is already set");
        }
        MillraceRecordSerializationSchemaBuilder<T> self = self();
        self.headerProvider = Objects.requireNonNull(headerProvider, "setHeaderProvider: provider");
        return self;
    }

    /**
     * The schema.
     *
     * @throws IllegalStateException naming the missing setting
     */
    public MillraceRecordSerializationSchema<IN> build() {
        if (topic == null && topicSelector == null) {
            throw new IllegalStateException("No topic: call setTopic or setTopicSelector");
        }
        if (valueSerializer == null) {
            throw new IllegalStateException(
                    "No value serializer: call setValueSerializationSchema or setKafkaValueSerializer");
        }
        return new ComposedRecordSerializationSchema<>(
                topic != null ? new FixedTopic<>(topic) : topicSelector,
                keySerializer,
                valueSerializer,
                partitioner,
                headerProvider);
    }

    private void requireNoTopic() {
        if (topic != null || topicSelector != null) {
            throw new IllegalStateException("A topic or topic selector is already set");
        }
    }

    private void requireNoKey() {
        if (keySerializer != null) {
            throw new IllegalStateException("A key serializer is already set");
        }
    }

    private void requireNoValue() {
        if (valueSerializer != null) {
            throw new IllegalStateException("A value serializer is already set");
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends IN> MillraceRecordSerializationSchemaBuilder<T> self() {
        // the settings so far accept every IN, hence every T extends IN
        return (MillraceRecordSerializationSchemaBuilder<T>) this;
    }

    /** The topic of {@link #setTopic}. */
    private record FixedTopic<T>(String topic) implements TopicSelector<T> {
        @Override
        public String apply(T element) {
            return topic;
        }
    }
}
