package io.millrace.schema.registry;

import io.millrace.schema.core.SchemaReference;
import java.util.List;

/**
 * The body of a register, lookup or compatibility request.
 *
 * @param schemaType null means AVRO
 * @param id explicit id (IMPORT mode), or null
 * @param version explicit version (IMPORT mode), or null
 */
public record RegisterRequest(
        String schema, String schemaType, List<SchemaReference> references, Integer id, Integer version) {

    public RegisterRequest {
        references = references == null ? List.of() : List.copyOf(references);
    }

    public static RegisterRequest of(String schema) {
        return new RegisterRequest(schema, null, List.of(), null, null);
    }
}
