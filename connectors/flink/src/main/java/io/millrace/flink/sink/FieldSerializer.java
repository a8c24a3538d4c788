package io.millrace.flink.sink;

import java.io.Serializable;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Turns an element into the bytes of its record's key or value, with a Flink
 * {@link SerializationSchema} or a Kafka {@link Serializer}. Used by one writer's task thread.
 *
 * @param <T> the type of the sink's elements
 */
interface FieldSerializer<T> extends Serializable {

    /** Prepares the serializer; called once per writer. */
    void open(SerializationSchema.InitializationContext context) throws Exception;

    /** The bytes of {@code element}, whose record goes to {@code topic}. */
    byte[] serialize(T element, String topic);

    /** Serializes with a Flink schema. */
    static <T> FieldSerializer<T> of(SerializationSchema<? super T> schema) {
        return new WithSchema<>(schema);
    }

    /** Serializes with a Kafka serializer made from its no-argument constructor and configured with {@code configuration}. */
    static <T> FieldSerializer<T> of(
            Class<? extends Serializer<? super T>> serializerClass, Map<String, String> configuration, boolean isKey) {
        return new WithKafkaSerializer<>(serializerClass, Map.copyOf(configuration), isKey);
    }

    /** A Flink schema. */
    final class WithSchema<T> implements FieldSerializer<T> {
        private static final long serialVersionUID = 1L;
        private final SerializationSchema<? super T> schema;

        WithSchema(SerializationSchema<? super T> schema) {
            this.schema = schema;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context) throws Exception {
            schema.open(context);
        }

        @Override
        public byte[] serialize(T element, String topic) {
            return schema.serialize(element);
        }
    }

    /** A Kafka serializer, made on {@link #open}. */
    final class WithKafkaSerializer<T> implements FieldSerializer<T> {
        private static final long serialVersionUID = 1L;
        private final Class<? extends Serializer<? super T>> serializerClass;
        private final Map<String, String> configuration;
        private final boolean isKey;
        private transient Serializer<? super T> serializer;

        WithKafkaSerializer(
                Class<? extends Serializer<? super T>> serializerClass,
                Map<String, String> configuration,
                boolean isKey) {
            this.serializerClass = serializerClass;
            this.configuration = configuration;
            this.isKey = isKey;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context) {
            serializer = InstantiationUtil.instantiate(serializerClass, Serializer.class);
            serializer.configure(configuration, isKey);
        }

        @Override
        public byte[] serialize(T element, String topic) {
            return serializer.serialize(topic, element);
        }
    }
}
