package io.millrace.schema.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.ReferenceResolver;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.core.SchemaProvider;
import io.millrace.schema.core.SchemaReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON type (JSON Schema): the document is parsed strictly (no duplicate keys, nothing after
 * it), validated against the meta-schema of its {@code $schema} (drafts 4, 6, 7, 2019-09 and
 * 2020-12; draft 7 when absent) and compiled with every {@code $ref} resolved, local or to a
 * referenced subject (a reference's {@code name} is the URI the schema's {@code $ref} uses,
 * relative to the schema's {@code $id}). Compatibility is {@link JsonSchemaDiff}'s. Stateless,
 * thread-safe.
 */
public final class JsonSchemaProvider implements SchemaProvider {

    public static final String JSON = "JSON";
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    @Override
    public String schemaType() {
        return JSON;
    }

    @Override
    public ParsedSchema parse(String text, List<SchemaReference> references, ReferenceResolver resolver) {
        JsonNode root = read(text, "Invalid JSON schema");
        if (!root.isObject() && !root.isBoolean()) {
            throw RegistryErrors.invalidSchema("Invalid JSON schema: a schema is a JSON object or a boolean, not "
                    + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        List<SchemaReference> refs = references == null ? List.of() : references;
        Map<String, JsonNode> referenced = new LinkedHashMap<>();
        for (SchemaReference reference : refs) {
            load(reference, resolver, referenced, 0);
        }
        JsonSchemaValidation.validate(root, referenced);
        return ParsedJsonSchema.of(root, refs, referenced);
    }

    private static void load(
            SchemaReference reference, ReferenceResolver resolver, Map<String, JsonNode> loaded, int depth) {
        if (loaded.containsKey(reference.name())) {
            return;
        }
        RegisteredSchema target = resolver.resolveChecked(
                reference, depth, JSON, "Invalid JSON schema", "a JSON schema can reference JSON schemas only");
        loaded.put(
                reference.name(),
                read(
                        target.schema(),
                        "Invalid JSON schema: referenced subject '" + reference.subject() + "' version "
                                + reference.version() + " does not hold valid JSON"));
        for (SchemaReference nested : target.references()) {
            load(nested, resolver, loaded, depth + 1);
        }
    }

    private static JsonNode read(String text, String problem) {
        if (text == null || text.isBlank()) {
            throw RegistryErrors.invalidSchema(problem + ": the schema text is empty");
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw RegistryErrors.invalidSchema(problem + ": " + e.getOriginalMessage());
        }
    }
}
