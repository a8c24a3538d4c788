package io.millrace.flink.source.reader.deserializer;

import java.io.IOException;
import java.io.Serializable;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns a record read from Millrace (key, value, headers, topic, partition, offset, timestamp)
 * into zero or more elements of the stream, as {@code KafkaRecordDeserializationSchema} does for
 * Flink's Kafka source; elements carry the record's timestamp.
 *
 * <p>Each source reader uses its own copy (the schema is serialized with the job), opened once
 * before the first record and then called from the reader's task thread only.
 */
@PublicEvolving
public interface MillraceRecordDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T> {

    /** Called once before the first record; set up what is not serializable here. */
    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    /** Emits the elements of {@code record} to {@code out}; none to skip it. */
    void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) throws IOException;

    /**
     * One element per record, made by {@code converter} from the whole record (key, value,
     * headers, position); a {@code null} result skips the record.
     */
    static <T> MillraceRecordDeserializationSchema<T> of(
            TypeInformation<T> producedType, SerializableFunction<ConsumerRecord<byte[], byte[]>, T> converter) {
        return new RecordConverterSchema<>(producedType, converter);
    }

    /** The record's value through a Flink {@link DeserializationSchema}; keys and headers are ignored. */
    static <V> MillraceRecordDeserializationSchema<V> valueOnly(DeserializationSchema<V> valueSchema) {
        return new ValueOnlyDeserializationSchema<>(valueSchema);
    }

    /** The record's value through a Kafka {@link Deserializer}, made and configured per reader. */
    static <V> MillraceRecordDeserializationSchema<V> valueOnly(Class<? extends Deserializer<V>> deserializerClass) {
        return valueOnly(deserializerClass, Map.of());
    }

    /** The record's value through a Kafka {@link Deserializer} configured with {@code config}. */
    static <V> MillraceRecordDeserializationSchema<V> valueOnly(
            Class<? extends Deserializer<V>> deserializerClass, Map<String, String> config) {
        return new ValueOnlyKafkaDeserializerSchema<>(deserializerClass, config);
    }
}
