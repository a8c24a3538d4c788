package io.millrace.flink.formats.avro;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Encodes values of one writer schema in the schema registry wire format (magic byte 0, 4-byte
 * schema id, Avro binary). On {@link #open()} the schema is registered under the subject (or,
 * without auto-registration, looked up there: it must be registered already). Serializable until
 * {@link #open()}; then confined to one thread, as a Flink serialization schema is.
 *
 * @param <T> GenericRecord, or the generated SpecificRecord class
 */
final class RegistryAvroEncoder<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String subject;
    private final String writerSchemaText;
    private final Class<T> specificClass;
    private final boolean autoRegister;
    private final RegistrySettings registry;

    private transient int schemaId;
    private transient DatumWriter<T> writer;
    private transient ByteArrayOutputStream buffer;
    private transient BinaryEncoder encoder;

    /** @param specificClass the generated class written, or null for GenericRecord */
    RegistryAvroEncoder(
            String subject,
            Schema writerSchema,
            Class<T> specificClass,
            boolean autoRegister,
            RegistrySettings registry) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("The schema registry subject to write under is required");
        }
        this.subject = subject;
        this.writerSchemaText = writerSchema.toString();
        this.specificClass = specificClass;
        this.autoRegister = autoRegister;
        this.registry = registry;
    }

    void open() throws IOException {
        Schema schema = new Schema.Parser().parse(writerSchemaText);
        SchemaRegistryClient client = registry.createClient();
        try {
            schemaId = autoRegister ? client.register(subject, schema, false) : client.getId(subject, schema, false);
        } catch (RestClientException e) {
            throw registry.registrationFailure(subject, autoRegister, e);
        }
        writer = specificClass == null
                ? new GenericDatumWriter<>(schema)
                : new SpecificDatumWriter<>(schema, SpecificData.getForClass(specificClass));
        buffer = new ByteArrayOutputStream();
    }

    /** The id the subject gave the writer schema; valid after {@link #open()}. */
    int schemaId() {
        return schemaId;
    }

    byte[] encode(T value) throws IOException {
        buffer.reset();
        buffer.write(WireFormat.MAGIC_BYTE);
        buffer.write(ByteBuffer.allocate(WireFormat.ID_LENGTH).putInt(schemaId).array());
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        writer.write(value, encoder);
        encoder.flush();
        return buffer.toByteArray();
    }
}
