package io.millrace.flink.formats.json;

import io.millrace.flink.formats.avro.RegistrySettings;
import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.client.SchemaString;
import io.millrace.schema.serde.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.json.JsonDeserializationSchema;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.util.Collector;
import org.apache.flink.util.jackson.JacksonMapperFactory;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A Flink {@link DeserializationSchema} for values written by a schema registry JSON Schema
 * serializer (Confluent's wire format: magic byte 0, 4-byte schema id, JSON text). Each record's
 * magic byte is checked and its schema id must name a JSON Schema in the registry (fetched once per
 * id); the JSON after the header is read by a plain JSON deserialization schema (flink-json's, into
 * a POJO or the table's row type). JSON "evolution" is by name: properties the reader does not know
 * (a newer writer's) are ignored, and ones it expects but the record lacks (an older writer's) are
 * null. Records are not validated against the JSON Schema.
 *
 * <p>A record that is not in the wire format, or whose id is unknown or not a JSON Schema, fails with
 * an exception naming the problem (the source adds topic, partition and offset), or is skipped when
 * parse errors are ignored; a null value (a tombstone) yields nothing. Serializable until opened;
 * then confined to one thread.
 *
 * @param <T> the type of the values read
 */
public final class MillraceJsonDeserializationSchema<T> implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<T> json;
    private final boolean ignoreParseErrors;
    private final RegistrySettings registry;

    private transient SchemaRegistryClient client;
    private transient Set<Integer> jsonSchemaIds;
    private transient NonNullCollector<T> nonNull;

    MillraceJsonDeserializationSchema(
            DeserializationSchema<T> json, boolean ignoreParseErrors, RegistrySettings registry) {
        this.json = json;
        this.ignoreParseErrors = ignoreParseErrors;
        this.registry = registry;
    }

    /**
     * Reads instances of {@code type} with Jackson (flink-json's {@link JsonDeserializationSchema}),
     * ignoring properties the class does not have, from the registry at {@code registryUrl}.
     */
    public static <T> MillraceJsonDeserializationSchema<T> of(Class<T> type, String registryUrl) {
        return of(type, registryUrl, Map.of());
    }

    /**
     * As {@link #of(Class, String)}, with further registry client settings under Confluent's keys
     * (e.g. {@code basic.auth.credentials.source}, {@code basic.auth.user.info}).
     */
    public static <T> MillraceJsonDeserializationSchema<T> of(
            Class<T> type, String registryUrl, Map<String, String> registryConfigs) {
        return new MillraceJsonDeserializationSchema<>(
                new JsonDeserializationSchema<>(type, MillraceJsonDeserializationSchema::lenientMapper),
                false,
                RegistrySettings.of(registryUrl, registryConfigs));
    }

    private static ObjectMapper lenientMapper() {
        return JacksonMapperFactory.createObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Override
    public void open(InitializationContext context) throws Exception {
        json.open(context);
        client = registry.createClient();
        jsonSchemaIds = new HashSet<>();
        nonNull = new NonNullCollector<>();
    }

    @Override
    public T deserialize(byte[] message) throws IOException {
        byte[] text = message == null ? null : jsonOf(message);
        return text == null ? null : json.deserialize(text);
    }

    /** Collects what the JSON schema reads (a JSON array: one value per element) but the nulls of ignored errors. */
    @Override
    public void deserialize(byte[] message, Collector<T> out) throws IOException {
        byte[] text = message == null ? null : jsonOf(message);
        if (text != null) {
            nonNull.target = out;
            json.deserialize(text, nonNull);
        }
    }

    /** The JSON after the header, or null for a record skipped by {@code ignore-parse-errors}. */
    private byte[] jsonOf(byte[] message) throws IOException {
        IOException rejected = rejection(message);
        if (rejected == null) {
            return Arrays.copyOfRange(message, WireFormat.HEADER_LENGTH, message.length);
        }
        if (ignoreParseErrors) {
            return null;
        }
        throw rejected;
    }

    /**
     * Why the record cannot be read (not in the wire format, its id unknown to the registry or not
     * a JSON Schema's), or null when it can. A registry that cannot be reached or fails is thrown:
     * that is no fault of the record.
     */
    private IOException rejection(byte[] message) throws IOException {
        int id;
        try {
            id = WireFormat.schemaId(message);
        } catch (SerializationException e) {
            return new IOException(
                    e.getMessage() + " (millrace-json reads a magic byte 0 and a 4-byte schema id before the JSON)", e);
        }
        if (jsonSchemaIds.contains(id)) {
            return null;
        }
        SchemaString schema;
        try {
            schema = client.getSchemaStringById(id);
        } catch (RestClientException e) {
            if (e.status() >= 500) {
                throw new IOException(
                        "The schema registry at " + registry.url() + " failed to answer for schema id " + id, e);
            }
            return registry.unknownSchemaId(id, e);
        }
        if (!schema.schemaType().equals(SchemaString.JSON)) {
            return new IOException("Schema id " + id + " of the message is a " + schema.schemaType()
                    + " schema, not a JSON Schema: the record was not written by a JSON Schema serializer");
        }
        jsonSchemaIds.add(id);
        return null;
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return json.getProducedType();
    }

    /**
     * Passes values on to {@link #target} but the nulls flink-json collects for records skipped by
     * {@code ignore-parse-errors}: a table source would read a null value as a deletion.
     */
    private static final class NonNullCollector<T> implements Collector<T> {
        Collector<T> target;

        @Override
        public void collect(T record) {
            if (record != null) {
                target.collect(record);
            }
        }

        @Override
        public void close() {
            target.close();
        }
    }
}
