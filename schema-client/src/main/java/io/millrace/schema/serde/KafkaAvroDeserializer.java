package io.millrace.schema.serde;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaRegistryClient;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} for Confluent-framed Avro ({@link WireFormat}): fetches the writer
 * schema by id (cached) and decodes into a GenericRecord, or, with
 * {@code specific.avro.reader=true}, into the generated SpecificRecord class of the same full
 * name (read with that class's schema). A payload whose schema id the registry does not know
 * fails with a {@link SerializationException} naming the id. Thread-safe after {@link #configure}.
 */
public class KafkaAvroDeserializer implements Deserializer<Object> {

    private SchemaRegistryClient client;
    private boolean specific;

    public KafkaAvroDeserializer() {}

    public KafkaAvroDeserializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        KafkaAvroSerdeConfig config = new KafkaAvroSerdeConfig(configs);
        this.specific = config.getBoolean(KafkaAvroSerdeConfig.SPECIFIC_AVRO_READER);
        if (client == null) {
            client = config.createClient();
        }
    }

    @Override
    public Object deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        int id = WireFormat.schemaId(payload);
        Schema writer;
        try {
            writer = client.getSchemaById(id);
        } catch (IOException | RestClientException e) {
            throw new SerializationException(
                    "Error retrieving Avro schema for id " + id + " (topic " + topic + "): " + e.getMessage(), e);
        }
        int start = WireFormat.HEADER_LENGTH;
        if (writer.getType() == Schema.Type.BYTES) {
            return Arrays.copyOfRange(payload, start, payload.length);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(payload, start, payload.length - start, null);
            Object value = reader(writer).read(null, decoder);
            return writer.getType() == Schema.Type.STRING && value instanceof Utf8 ? value.toString() : value;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Error deserializing Avro message with schema id " + id + " (topic " + topic + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private DatumReader<Object> reader(Schema writer) {
        if (specific
                && (writer.getType() == Schema.Type.RECORD
                        || writer.getType() == Schema.Type.ENUM
                        || writer.getType() == Schema.Type.FIXED)) {
            Class<?> type = SpecificData.get().getClass(writer);
            if (type == null || type == Object.class) {
                throw new SerializationException("specific.avro.reader is set but no generated class "
                        + writer.getFullName() + " is on the classpath");
            }
            Schema readerSchema = SpecificData.get().getSchema(type);
            return new SpecificDatumReader<>(writer, readerSchema);
        }
        return new GenericDatumReader<>(writer);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
