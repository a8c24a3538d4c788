package io.millrace.spark.avro;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.serde.WireFormat;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.spark.sql.types.DataType;

/**
 * Decodes the schema registry's wire format (magic byte 0, 4-byte schema id, Avro binary) into
 * Spark internal values of one reader schema. The writer schema of each id is fetched from the
 * registry once (the client is shared per JVM) and resolved to the reader schema by Avro's schema
 * resolution, so data written with an older or newer compatible schema (a field added with a
 * default, a field removed) is read as the reader schema. Nothing is parsed per row: the datum
 * reader of each schema id is kept. Serializable, to travel to executors; thread-safe.
 */
public final class RegistryAvroDeserializer implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RegistrySettings registry;
    private final String readerSchemaText;
    private final String description;

    private transient volatile Schema readerSchema;
    private transient volatile AvroToSql converter;
    private transient volatile Map<Integer, GenericDatumReader<Object>> readersById;

    /**
     * @param description what is decoded (e.g. "subject 'orders-value' version 3"), for messages
     */
    public RegistryAvroDeserializer(RegistrySettings registry, Schema readerSchema, String description) {
        this.registry = registry;
        this.readerSchemaText = readerSchema.toString();
        this.description = description;
        AvroToSql.of(readerSchema);
    }

    /** The Spark type of the decoded values. */
    public DataType dataType() {
        return AvroSqlTypes.toSqlType(readerSchema());
    }

    /**
     * The Spark internal value of a message (an {@code InternalRow} for a record); null for null.
     *
     * @throws IllegalStateException naming the schema id when the message is not in the wire
     *     format, its id is unknown to the registry, or its data does not fit its schema
     */
    public Object decode(byte[] message) {
        if (message == null) {
            return null;
        }
        int id;
        try {
            id = WireFormat.schemaId(message);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot decode a message as Avro of " + description + ": " + e.getMessage(), e);
        }
        GenericDatumReader<Object> reader = reader(id);
        try {
            Object avro = reader.read(
                    null,
                    DecoderFactory.get()
                            .binaryDecoder(
                                    message,
                                    WireFormat.HEADER_LENGTH,
                                    message.length - WireFormat.HEADER_LENGTH,
                                    null));
            return converter.convert(avro);
        } catch (AvroRuntimeException | IOException e) {
            throw new IllegalStateException(
                    "Cannot decode the Avro data of schema id " + id + " as " + description + ": " + e.getMessage(), e);
        }
    }

    private GenericDatumReader<Object> reader(int id) {
        if (readersById == null) {
            synchronized (this) {
                if (readersById == null) {
                    converter = AvroToSql.of(readerSchema());
                    readersById = new ConcurrentHashMap<>();
                }
            }
        }
        return readersById.computeIfAbsent(id, this::newReader);
    }

    private GenericDatumReader<Object> newReader(int id) {
        Schema writer;
        try {
            writer = registry.client().getSchemaById(id);
        } catch (RestClientException | IOException e) {
            throw new IllegalStateException(
                    "Schema id " + id + " of a message read as " + description
                            + " is not known to the schema registry at " + registry.url() + ": " + e.getMessage(),
                    e);
        }
        return new GenericDatumReader<>(writer, readerSchema());
    }

    private Schema readerSchema() {
        Schema schema = readerSchema;
        if (schema == null) {
            schema = new Schema.Parser().parse(readerSchemaText);
            readerSchema = schema;
        }
        return schema;
    }
}
