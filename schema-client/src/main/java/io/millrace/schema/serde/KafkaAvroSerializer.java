package io.millrace.schema.serde;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaMetadata;
import io.millrace.schema.client.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} for Avro values (GenericRecord, SpecificRecord, enums, fixed and
 * primitives) in Confluent's wire format ({@link WireFormat}). The schema id comes from the
 * registry: registered on first use ({@code auto.register.schemas}, default), looked up
 * ({@code auto.register.schemas=false}), or the subject's latest ({@code use.latest.version}).
 * Thread-safe after {@link #configure}.
 */
public class KafkaAvroSerializer implements Serializer<Object> {

    private SchemaRegistryClient client;
    private boolean isKey;
    private boolean autoRegister;
    private boolean useLatest;
    private boolean normalize;
    private SubjectNameStrategy strategy;

    /** For Kafka's reflection: configure with {@code schema.registry.url}. */
    public KafkaAvroSerializer() {}

    /** With an existing client (shared caches); {@link #configure} still reads the other settings. */
    public KafkaAvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        KafkaAvroSerdeConfig config = new KafkaAvroSerdeConfig(configs);
        this.isKey = isKey;
        this.autoRegister = config.getBoolean(KafkaAvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
        this.useLatest = config.getBoolean(KafkaAvroSerdeConfig.USE_LATEST_VERSION);
        this.normalize = config.getBoolean(KafkaAvroSerdeConfig.NORMALIZE_SCHEMAS);
        this.strategy = config.subjectNameStrategy(isKey);
        if (client == null) {
            client = config.createClient();
        }
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        Schema schema = AvroData.schemaOf(data);
        String subject = strategy.subjectName(topic, isKey, schema);
        int id;
        Schema writerSchema = schema;
        try {
            if (useLatest) {
                SchemaMetadata latest = client.getLatestSchemaMetadata(subject);
                id = latest.id();
                writerSchema = client.getSchemaById(id);
            } else if (autoRegister) {
                id = client.register(subject, schema, normalize);
            } else {
                id = client.getId(subject, schema, normalize);
            }
        } catch (IOException | RestClientException e) {
            throw new SerializationException(
                    "Error "
                            + (useLatest
                                    ? "retrieving the latest schema of"
                                    : autoRegister ? "registering Avro schema under" : "looking up Avro schema under")
                            + " subject '" + subject
                            + "' for topic " + topic + ": " + e.getMessage(),
                    e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(WireFormat.ID_LENGTH).putInt(id).array());
        try {
            if (data instanceof byte[] bytes) {
                out.writeBytes(bytes);
            } else {
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                writer(data, writerSchema).write(data, encoder);
                encoder.flush();
            }
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Error serializing Avro message for topic " + topic + " with schema id " + id + ": "
                            + e.getMessage(),
                    e);
        }
        return out.toByteArray();
    }

    private static DatumWriter<Object> writer(Object data, Schema schema) {
        if (data instanceof SpecificRecord || data instanceof Enum<?>) {
            return new SpecificDatumWriter<>(schema);
        }
        return new GenericDatumWriter<>(schema);
    }

    @Override
    public void close() {
        // the client holds no resources that need closing
    }
}
