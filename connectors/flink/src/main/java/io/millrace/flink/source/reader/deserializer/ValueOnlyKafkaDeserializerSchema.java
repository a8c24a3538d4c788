package io.millrace.flink.source.reader.deserializer;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A record's value through a Kafka {@link Deserializer}, instantiated (from the job's class
 * loader) and configured when the reader opens it; a {@code null} result (what Kafka's
 * deserializers make of a tombstone) emits nothing. Thread confinement as its interface.
 */
final class ValueOnlyKafkaDeserializerSchema<V> implements MillraceRecordDeserializationSchema<V> {

    private static final long serialVersionUID = 1L;

    private final String deserializerClassName;
    private final HashMap<String, String> config;
    private final TypeInformation<V> producedType;
    private transient Deserializer<V> deserializer;

    ValueOnlyKafkaDeserializerSchema(Class<? extends Deserializer<V>> deserializerClass, Map<String, String> config) {
        this.deserializerClassName = deserializerClass.getName();
        this.config = new HashMap<>(config);
        this.producedType = TypeExtractor.createTypeInfo(Deserializer.class, deserializerClass, 0, null, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        ClassLoader loader = context.getUserCodeClassLoader().asClassLoader();
        deserializer = InstantiationUtil.instantiate(deserializerClassName, Deserializer.class, loader);
        deserializer.configure(config, false);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<V> out) {
        V value = deserializer.deserialize(record.topic(), record.headers(), record.value());
        if (value != null) {
            out.collect(value);
        }
    }

    @Override
    public TypeInformation<V> getProducedType() {
        return producedType;
    }
}
