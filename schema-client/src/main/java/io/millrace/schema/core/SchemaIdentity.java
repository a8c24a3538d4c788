package io.millrace.schema.core;

import java.util.List;

/** Type, stored text and references: equal identities share one schema id. */
public record SchemaIdentity(String schemaType, String schema, List<SchemaReference> references) {

    public SchemaIdentity {
        references = references == null ? List.of() : List.copyOf(references);
    }
}
