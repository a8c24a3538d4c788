package io.millrace.flink.formats.json;

import io.millrace.flink.formats.avro.RegistrySettings;
import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.client.SchemaString;
import io.millrace.schema.serde.KafkaAvroSerdeConfig;
import io.millrace.schema.serde.WireFormat;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.formats.json.JsonSerializationSchema;

/**
 * A Flink {@link SerializationSchema} writing JSON in the schema registry wire format (Confluent's:
 * magic byte 0, 4-byte schema id, the JSON text in UTF-8). The JSON comes from a plain JSON
 * serialization schema (flink-json's, for POJOs or rows); the schema id is that of a JSON Schema
 * registered under the subject when a task opens it (an existing identical version keeps its id),
 * or with {@code auto.register.schemas=false} looked up there. Records are not validated against
 * the JSON Schema. Serializable until opened; then confined to one thread.
 *
 * @param <T> the type of the values written
 */
public final class MillraceJsonSerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final SerializationSchema<T> json;
    private final String subject;
    private final String jsonSchema;
    private final boolean autoRegister;
    private final RegistrySettings registry;

    private transient byte[] header;

    MillraceJsonSerializationSchema(
            SerializationSchema<T> json,
            String subject,
            String jsonSchema,
            boolean autoRegister,
            RegistrySettings registry) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("The schema registry subject to write under is required");
        }
        this.json = json;
        this.subject = subject;
        this.jsonSchema = RowTypeJsonSchema.checkDocument(jsonSchema);
        this.autoRegister = autoRegister;
        this.registry = registry;
    }

    /**
     * Writes objects as JSON with Jackson (flink-json's {@link JsonSerializationSchema}), under
     * {@code jsonSchema} registered as subject {@code subject} (e.g. {@code orders-value}).
     */
    public static <T> MillraceJsonSerializationSchema<T> of(String subject, String jsonSchema, String registryUrl) {
        return of(subject, jsonSchema, registryUrl, Map.of());
    }

    /**
     * As {@link #of(String, String, String)}, with further registry client settings under
     * Confluent's keys (e.g. {@code auto.register.schemas}, {@code basic.auth.user.info}).
     */
    public static <T> MillraceJsonSerializationSchema<T> of(
            String subject, String jsonSchema, String registryUrl, Map<String, String> registryConfigs) {
        boolean autoRegister =
                Boolean.parseBoolean(registryConfigs.getOrDefault(KafkaAvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "true"));
        return new MillraceJsonSerializationSchema<>(
                new JsonSerializationSchema<>(),
                subject,
                jsonSchema,
                autoRegister,
                RegistrySettings.of(registryUrl, registryConfigs));
    }

    @Override
    public void open(InitializationContext context) throws Exception {
        json.open(context);
        SchemaRegistryClient client = registry.createClient();
        SchemaString schema = SchemaString.json(jsonSchema);
        int id;
        try {
            id = autoRegister ? client.register(subject, schema, false) : client.getId(subject, schema, false);
        } catch (RestClientException e) {
            throw registry.registrationFailure(subject, autoRegister, e);
        }
        header = ByteBuffer.allocate(WireFormat.HEADER_LENGTH)
                .put(WireFormat.MAGIC_BYTE)
                .putInt(id)
                .array();
    }

    @Override
    public byte[] serialize(T element) {
        byte[] text = json.serialize(element);
        if (text == null) {
            return null;
        }
        byte[] framed = new byte[header.length + text.length];
        System.arraycopy(header, 0, framed, 0, header.length);
        System.arraycopy(text, 0, framed, header.length, text.length);
        return framed;
    }
}
