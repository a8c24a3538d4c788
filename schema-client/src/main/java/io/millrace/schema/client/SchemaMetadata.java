package io.millrace.schema.client;

import io.millrace.schema.core.SchemaReference;
import java.util.List;

/** A subject version as the REST API returns it. */
public record SchemaMetadata(
        String subject, int version, int id, String schemaType, String schema, List<SchemaReference> references) {

    public SchemaMetadata {
        references = references == null ? List.of() : List.copyOf(references);
    }
}
