package io.millrace.schema.core;

import java.util.List;

/**
 * One schema type of the registry: parses and validates a schema text with its references.
 * Implementations are stateless and thread-safe; the registry holds one per type.
 */
public interface SchemaProvider {

    /** The type's name in requests and responses ({@code schemaType}). */
    String schemaType();

    /**
     * @param references the request's references, each resolved through {@code resolver}
     * @throws RegistryException 42201 when the text is not a valid schema of this type, or a
     *                           reference is missing or of another type
     */
    ParsedSchema parse(String text, List<SchemaReference> references, ReferenceResolver resolver);
}
