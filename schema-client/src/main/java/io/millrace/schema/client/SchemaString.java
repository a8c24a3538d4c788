package io.millrace.schema.client;

import io.millrace.schema.core.SchemaReference;
import java.util.List;
import java.util.Objects;

/**
 * A schema of any type as the registry holds it: its type ({@code AVRO}, {@code JSON} or
 * {@code PROTOBUF}), its text and its references (Confluent's {@code SchemaString}). The client
 * registers and fetches schemas in this form without parsing them, so it needs no JSON Schema or
 * Protobuf library. Immutable.
 */
public record SchemaString(String schemaType, String schema, List<SchemaReference> references) {

    public static final String AVRO = "AVRO";
    public static final String JSON = "JSON";
    public static final String PROTOBUF = "PROTOBUF";

    public SchemaString {
        Objects.requireNonNull(schemaType, "schemaType");
        Objects.requireNonNull(schema, "schema");
        references = references == null ? List.of() : List.copyOf(references);
    }

    /** A JSON Schema document without references. */
    public static SchemaString json(String schema) {
        return new SchemaString(JSON, schema, List.of());
    }
}
