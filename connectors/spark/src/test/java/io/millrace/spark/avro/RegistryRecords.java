package io.millrace.spark.avro;

import io.millrace.schema.serde.KafkaAvroSerializer;
import io.millrace.spark.TestRecords;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes Avro records in the registry's wire format with the registry client's own serializer. */
public final class RegistryRecords {

    private RegistryRecords() {}

    /** Writes one record; the serializer registers the schemas under {@code <topic>-key}/{@code <topic>-value}. */
    public static void write(String bootstrap, String registryUrl, String topic, Object key, Object value) {
        TestRecords.write(
                bootstrap,
                new ProducerRecord<>(
                        topic, serialize(registryUrl, topic, key, true), serialize(registryUrl, topic, value, false)));
    }

    public static byte[] serialize(String registryUrl, String topic, Object datum, boolean isKey) {
        if (datum == null) {
            return null;
        }
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(Map.of("schema.registry.url", registryUrl), isKey);
            return serializer.serialize(topic, datum);
        }
    }
}
