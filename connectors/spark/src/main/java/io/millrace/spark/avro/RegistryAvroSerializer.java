package io.millrace.spark.avro;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaMetadata;
import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Encodes Spark internal values of one type in the schema registry's wire format (magic byte 0,
 * 4-byte schema id, Avro binary) under one registered schema. The schema and its id are settled
 * when the serializer is created (on the driver for the sink): either derived from the Spark type
 * and registered under the subject (or only looked up there when
 * {@code schema.registry.auto.register.schemas=false}), or a version of the subject, the struct's
 * fields matched to its fields by name. Serializable, to travel to executors; thread-safe.
 */
public final class RegistryAvroSerializer implements Serializable {

    /** The record name of a derived schema when the subject has no record to take it from (Spark's name). */
    static final String DEFAULT_RECORD_NAME = "topLevelRecord";

    private static final long serialVersionUID = 1L;

    private final int schemaId;
    private final String schemaText;
    private final DataType type;

    private transient volatile SqlToAvro converter;
    private transient volatile GenericDatumWriter<Object> writer;

    private RegistryAvroSerializer(int schemaId, Schema schema, DataType type) {
        this.schemaId = schemaId;
        this.schemaText = schema.toString();
        this.type = type;
        SqlToAvro.of(type, schema);
    }

    /**
     * Values of {@code type} under the schema derived from it ({@link AvroSqlTypes}), registered
     * under {@code subject}. The record takes the name of the subject's latest record schema when
     * there is one, so that the registry's compatibility check compares like with like.
     */
    public static RegistryAvroSerializer derived(RegistrySettings registry, String subject, DataType type) {
        Schema schema = derivedSchema(registry, subject, type);
        try {
            int id = registry.autoRegister()
                    ? registry.client().register(subject, schema, false)
                    : registry.client().getId(subject, schema, false);
            return new RegistryAvroSerializer(id, schema, type);
        } catch (RestClientException e) {
            throw new IllegalArgumentException(
                    (registry.autoRegister()
                                    ? "The schema registry at " + registry.url() + " refused the schema of "
                                    : "The schema registry at " + registry.url() + " has no schema like that of ")
                            + type.simpleString() + " under subject '" + subject + "': " + e.getMessage()
                            + "\nThe schema: " + schema,
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot reach the schema registry at " + registry.url() + ": " + e.getMessage(), e);
        }
    }

    /** Values of {@code type} under the registered schema {@code schemaId}. */
    static RegistryAvroSerializer of(int schemaId, Schema schema, DataType type) {
        return new RegistryAvroSerializer(schemaId, schema, type);
    }

    /** Values of {@code type} under a version of {@code subject} (the latest when {@code version} is null). */
    public static RegistryAvroSerializer subjectVersion(
            RegistrySettings registry, String subject, Integer version, String subjectOption, DataType type) {
        SchemaMetadata metadata = RegisteredSchemas.lookUp(registry, subject, version, subjectOption);
        Schema schema = RegisteredSchemas.avroSchema(registry, metadata);
        return new RegistryAvroSerializer(metadata.id(), schema, type);
    }

    private static Schema derivedSchema(RegistrySettings registry, String subject, DataType type) {
        if (!(type instanceof StructType struct)) {
            throw new IllegalArgumentException(
                    "Only a struct column can be written as Avro with a schema derived from it" + " (the column is "
                            + type.simpleString() + "); name a registered schema by its version instead");
        }
        String name = DEFAULT_RECORD_NAME;
        String namespace = null;
        try {
            Schema latest = registry.client()
                    .getSchemaById(
                            registry.client().getLatestSchemaMetadata(subject).id());
            if (latest.getType() == Schema.Type.RECORD) {
                name = latest.getName();
                namespace = latest.getNamespace();
            }
        } catch (RestClientException e) {
            if (e.errorCode() != RegistryErrors.SUBJECT_NOT_FOUND) {
                throw new IllegalStateException(
                        "Cannot look up subject '" + subject + "' in the schema registry at " + registry.url() + ": "
                                + e.getMessage(),
                        e);
            }
            // a new subject: the default name
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot reach the schema registry at " + registry.url() + ": " + e.getMessage(), e);
        }
        return AvroSqlTypes.toAvroSchema(struct, name, namespace);
    }

    /** The id of the schema values are written with. */
    public int schemaId() {
        return schemaId;
    }

    /** The Spark type of the values this encodes. */
    public DataType dataType() {
        return type;
    }

    /**
     * The wire-format bytes of {@code value} (an {@code InternalRow} for a struct); null for null.
     *
     * @throws IllegalArgumentException naming the field when the value does not fit the schema
     */
    public byte[] encode(Object value) {
        if (value == null) {
            return null;
        }
        if (writer == null) {
            synchronized (this) {
                if (writer == null) {
                    Schema schema = new Schema.Parser().parse(schemaText);
                    converter = SqlToAvro.of(type, schema);
                    writer = new GenericDatumWriter<>(schema);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(
                ByteBuffer.allocate(WireFormat.ID_LENGTH).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(converter.convert(value), encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
