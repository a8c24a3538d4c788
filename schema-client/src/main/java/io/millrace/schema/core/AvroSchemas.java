package io.millrace.schema.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * Parses Avro schemas the way the registry stores them: references first (depth first, each
 * referenced version once), then the schema itself, rendered without inlining the referenced
 * types. {@link #normalize} is the registry's {@code normalize=true} form. Stateless, thread-safe.
 */
public final class AvroSchemas {

    /**
     * An Avro schema parsed together with the schemas it references.
     *
     * @param schema the parsed schema (referenced named types resolved)
     * @param canonical the text the registry stores and compares: Avro's compact JSON rendering,
     *                  referenced named types written by name instead of inlined
     * @param references the references as given
     */
    public record Parsed(Schema schema, String canonical, List<SchemaReference> references) {}

    public static final String AVRO = "AVRO";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PRIMITIVES =
            Set.of("null", "boolean", "int", "long", "float", "double", "bytes", "string");
    private static final Set<String> NAMED = Set.of("record", "error", "enum", "fixed");

    private AvroSchemas() {}

    /**
     * @throws RegistryException 42201 when the text is not a valid Avro schema or a reference is missing
     */
    public static Parsed parse(String text, List<SchemaReference> references, ReferenceResolver resolver) {
        if (text == null || text.isBlank()) {
            throw RegistryErrors.invalidSchema("Invalid schema: the schema text is empty");
        }
        List<SchemaReference> refs = references == null ? List.of() : references;
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> referenced = new LinkedHashMap<>();
        try {
            for (SchemaReference reference : refs) {
                loadReference(parser, reference, resolver, referenced, 0);
            }
            Schema schema = parser.parse(text);
            String canonical = schema.toString(new ArrayList<>(referenced.values()), false);
            return new Parsed(schema, canonical, refs);
        } catch (AvroRuntimeException | IllegalArgumentException | NullPointerException e) {
            throw RegistryErrors.invalidSchema("Invalid schema " + abbreviate(text) + ": " + e.getMessage());
        }
    }

    private static void loadReference(
            Schema.Parser parser,
            SchemaReference reference,
            ReferenceResolver resolver,
            Map<String, Schema> loaded,
            int depth) {
        String key = reference.subject() + "\u0000" + reference.version();
        if (loaded.containsKey(key)) {
            return;
        }
        RegisteredSchema target = resolver.resolveChecked(
                reference, depth, AVRO, "Invalid schema", "an AVRO schema can reference AVRO schemas only");
        for (SchemaReference nested : target.references()) {
            loadReference(parser, nested, resolver, loaded, depth + 1);
        }
        if (loaded.containsKey(key)) {
            return;
        }
        loaded.put(key, parser.parse(target.schema()));
    }

    /**
     * The registry's normalized form: the canonical rendering with every named type written by
     * its full name (no {@code namespace} attributes), so schemas that differ only in how names
     * are qualified normalize to the same text.
     */
    public static String normalize(String canonical) {
        try {
            JsonNode tree = JSON.readTree(canonical);
            return JSON.writeValueAsString(qualify(tree, ""));
        } catch (java.io.IOException e) {
            throw RegistryErrors.invalidSchema("Invalid schema: " + e.getMessage());
        }
    }

    private static JsonNode qualify(JsonNode node, String namespace) {
        if (node.isTextual()) {
            return TextNode.valueOf(qualifyName(node.asText(), namespace));
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(n -> out.add(qualify(n, namespace)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode in = (ObjectNode) node;
        String type = in.path("type").isTextual() ? in.get("type").asText() : "";
        String ns = namespace;
        ObjectNode out = JSON.createObjectNode();
        if (NAMED.contains(type) && in.has("name")) {
            String name = in.get("name").asText();
            if (!name.contains(".") && in.has("namespace")) {
                String declared = in.get("namespace").asText();
                name = declared.isEmpty() ? name : declared + "." + name;
            } else if (!name.contains(".")) {
                name = namespace.isEmpty() ? name : namespace + "." + name;
            }
            int dot = name.lastIndexOf('.');
            ns = dot < 0 ? "" : name.substring(0, dot);
            out.put("type", type);
            out.put("name", name);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            if (out.has(field) || field.equals("namespace")) {
                continue;
            }
            switch (field) {
                case "type", "items", "values" -> out.set(field, qualify(e.getValue(), ns));
                case "fields" -> {
                    ArrayNode fields = JSON.createArrayNode();
                    for (JsonNode f : e.getValue()) {
                        ObjectNode copy = ((ObjectNode) f).deepCopy();
                        copy.set("type", qualify(f.get("type"), ns));
                        fields.add(copy);
                    }
                    out.set(field, fields);
                }
                default -> out.set(field, e.getValue());
            }
        }
        return out;
    }

    private static String qualifyName(String name, String namespace) {
        if (PRIMITIVES.contains(name)
                || NAMED.contains(name)
                || name.equals("array")
                || name.equals("map")
                || name.contains(".")
                || namespace.isEmpty()) {
            return name;
        }
        return namespace + "." + name;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
