package io.millrace.schema.core;

import java.util.List;

/**
 * One version of a subject as the registry holds it: immutable.
 *
 * @param schema the schema text as stored (Avro's compact JSON rendering of the parsed schema)
 * @param deleted whether the version is soft-deleted
 */
public record RegisteredSchema(
        String subject,
        int version,
        int id,
        String schemaType,
        String schema,
        List<SchemaReference> references,
        boolean deleted) {

    public RegisteredSchema {
        references = references == null ? List.of() : List.copyOf(references);
    }

    public RegisteredSchema withDeleted(boolean nowDeleted) {
        return new RegisteredSchema(subject, version, id, schemaType, schema, references, nowDeleted);
    }

    /** What makes two registrations "the same schema", and so share an id. */
    public SchemaIdentity identity() {
        return new SchemaIdentity(schemaType, schema, references);
    }
}
