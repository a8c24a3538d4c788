package io.millrace.flink.formats.avro;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.serde.WireFormat;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes the schema registry wire format (magic byte 0, 4-byte schema id, Avro binary) into
 * values of one reader schema: the writer schema of each id is fetched once from the registry and
 * resolved to the reader schema by Avro's schema resolution, so data written with an older or a
 * newer compatible schema (a field added with a default, a field removed) is read. Serializable
 * until {@link #open()}; then confined to one thread, as a Flink deserialization schema is.
 *
 * @param <T> GenericRecord, or the generated SpecificRecord class
 */
final class RegistryAvroDecoder<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String readerSchemaText;
    private final Class<T> specificClass;
    private final RegistrySettings registry;

    private transient Schema readerSchema;
    private transient SchemaRegistryClient client;
    private transient Map<Integer, DatumReader<T>> readersById;
    private transient BinaryDecoder decoder;

    /** @param specificClass the generated class to read into, or null for GenericRecord */
    RegistryAvroDecoder(Schema readerSchema, Class<T> specificClass, RegistrySettings registry) {
        this.readerSchemaText = readerSchema.toString();
        this.specificClass = specificClass;
        this.registry = registry;
    }

    void open() {
        readerSchema = new Schema.Parser().parse(readerSchemaText);
        client = registry.createClient();
        readersById = new HashMap<>();
    }

    /**
     * @return the decoded value, or null for a null message (a tombstone)
     * @throws IOException when the message is not in the wire format, its schema id is unknown to
     *     the registry, or its writer schema cannot be read as the reader schema; the message names
     *     the schema id
     */
    T decode(byte[] message) throws IOException {
        if (message == null) {
            return null;
        }
        int id;
        try {
            id = WireFormat.schemaId(message);
        } catch (SerializationException e) {
            throw new IOException(e.getMessage(), e);
        }
        DatumReader<T> reader = reader(id);
        decoder = DecoderFactory.get()
                .binaryDecoder(message, WireFormat.HEADER_LENGTH, message.length - WireFormat.HEADER_LENGTH, decoder);
        try {
            return reader.read(null, decoder);
        } catch (AvroRuntimeException | IOException e) {
            throw new IOException(
                    "Cannot decode the Avro data of schema id " + id + " as " + readerSchema.getFullName() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private DatumReader<T> reader(int id) throws IOException {
        DatumReader<T> reader = readersById.get(id);
        if (reader == null) {
            Schema writer = writerSchema(id);
            reader = specificClass == null
                    ? new GenericDatumReader<>(writer, readerSchema)
                    : new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForClass(specificClass));
            readersById.put(id, reader);
        }
        return reader;
    }

    private Schema writerSchema(int id) throws IOException {
        try {
            return client.getSchemaById(id);
        } catch (RestClientException e) {
            throw registry.unknownSchemaId(id, e);
        }
    }
}
