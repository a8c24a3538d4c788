package io.millrace.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.core.DiffContext;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.SchemaReference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON schema parsed, validated against its draft's meta-schema and with its references
 * resolved. The canonical text is the document in compact JSON, keys in the order written.
 * Immutable, thread-safe.
 *
 * @param root the document
 * @param referenced the referenced documents by the URI the schema's {@code $ref}s use
 * @param docs the documents indexed for comparison
 */
record ParsedJsonSchema(
        JsonNode root,
        String canonical,
        List<SchemaReference> references,
        Map<String, JsonNode> referenced,
        JsonSchemaDocs docs)
        implements ParsedSchema {

    static ParsedJsonSchema of(JsonNode root, List<SchemaReference> references, Map<String, JsonNode> referenced) {
        Map<String, JsonNode> refs = Collections.unmodifiableMap(new LinkedHashMap<>(referenced));
        return new ParsedJsonSchema(
                root, JsonNormalizer.compact(root), List.copyOf(references), refs, new JsonSchemaDocs(root, refs));
    }

    @Override
    public String schemaType() {
        return JsonSchemaProvider.JSON;
    }

    /** Keys sorted at every level; the set-valued keywords ({@code required}, {@code type}, {@code enum}) too. */
    @Override
    public ParsedJsonSchema normalize() {
        return of(JsonNormalizer.normalize(root), references, referenced);
    }

    @Override
    public List<String> backwardProblems(ParsedSchema original, Roles roles) {
        return DiffContext.incompatible(JsonSchemaDiff.compare(((ParsedJsonSchema) original).docs(), docs), roles);
    }
}
