package io.millrace.schema.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry's {@code normalize=true} form of a JSON schema: object keys sorted at every level
 * (their order never matters in JSON Schema), and the arrays that are sets sorted and without
 * duplicates: {@code required}, {@code type} and {@code enum} of a schema. Values of
 * {@code enum}, {@code const}, {@code default} and {@code examples} are data, left as written
 * apart from key order. Stateless.
 */
final class JsonNormalizer {

    private static final Set<String> SET_KEYWORDS = Set.of("required", "type", "enum");
    private static final Set<String> DATA_KEYWORDS = Set.of("enum", "const", "default", "examples");

    private JsonNormalizer() {}

    static JsonNode normalize(JsonNode node) {
        return normalize(node, true);
    }

    static String compact(JsonNode node) {
        try {
            return JsonSchemaProvider.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render a parsed JSON schema", e);
        }
    }

    private static JsonNode normalize(JsonNode node, boolean schemaKeywords) {
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(normalize(n, schemaKeywords)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        node.fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode value = normalize(e.getValue(), schemaKeywords && !DATA_KEYWORDS.contains(key));
            if (schemaKeywords && SET_KEYWORDS.contains(key) && value.isArray()) {
                value = sortedSet((ArrayNode) value);
            }
            sorted.put(key, value);
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        sorted.forEach(out::set);
        return out;
    }

    private static ArrayNode sortedSet(ArrayNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(n -> {
            if (!items.contains(n)) {
                items.add(n);
            }
        });
        items.sort(Comparator.comparing(JsonNormalizer::compact));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        items.forEach(out::add);
        return out;
    }
}
