package io.millrace.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.core.DiffContext;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.SchemaReference;
import java.util.List;
import java.util.Map;

/**
 * A JSON schema parsed, validated against its draft's meta-schema and with its references
 * resolved. The canonical text is the document in compact JSON, keys in the order written.
 * Immutable, thread-safe.
 */
final class ParsedJsonSchema implements ParsedSchema {

    private final JsonNode root;
    private final String canonical;
    private final List<SchemaReference> references;
    private final Map<String, JsonNode> referenced;
    private final JsonSchemaDocs docs;

    ParsedJsonSchema(JsonNode root, String canonical, List<SchemaReference> references,
                     Map<String, JsonNode> referenced) {
        this.root = root;
        this.canonical = canonical;
        this.references = List.copyOf(references);
        this.referenced = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(referenced));
        this.docs = new JsonSchemaDocs(root, this.referenced);
    }

    @Override
    public String schemaType() {
        return JsonSchemaProvider.JSON;
    }

    @Override
    public String canonical() {
        return canonical;
    }

    @Override
    public List<SchemaReference> references() {
        return references;
    }

    /** Keys sorted at every level; the set-valued keywords ({@code required}, {@code type}, {@code enum}) too. */
    @Override
    public ParsedJsonSchema normalize() {
        JsonNode normalized = JsonNormalizer.normalize(root);
        return new ParsedJsonSchema(normalized, JsonNormalizer.compact(normalized), references, referenced);
    }

    JsonSchemaDocs docs() {
        return docs;
    }

    @Override
    public List<String> backwardProblems(ParsedSchema original, Roles roles) {
        return DiffContext.incompatible(JsonSchemaDiff.compare(((ParsedJsonSchema) original).docs(), docs),
            (change, path) -> change.describe(path, roles.update(), roles.original()));
    }
}
