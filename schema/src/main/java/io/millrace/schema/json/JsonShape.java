package io.millrace.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.schema.json.JsonSchemaDocs.Located;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one schema node constrains, as the compatibility check compares it (after {@code $ref}
 * was followed): a single kind, the way Confluent's everit-based model sees a schema. A node
 * that combines several constraints ({@code type} with {@code enum}, or with {@code oneOf}, ...)
 * is an {@code allOf} of one part per constraint; a {@code type} array is an {@code anyOf} of one
 * schema per type; without {@code type}, the type is implied by the keywords present.
 *
 * @param at the node holding the kind's keywords (for the typed kinds)
 * @param criterion {@code allOf}, {@code anyOf} or {@code oneOf} for COMBINED
 * @param subs the sub-schemas of COMBINED, or the one of NOT
 * @param integer NUMBER only: whether it is {@code integer}
 */
record JsonShape(Kind kind, Located at, String criterion, List<Located> subs, boolean integer) {

    enum Kind {
        EMPTY,
        FALSE,
        STRING,
        NUMBER,
        BOOLEAN,
        NULL,
        OBJECT,
        ARRAY,
        ENUM,
        CONST,
        COMBINED,
        NOT
    }

    private static final List<String> COMBINERS = List.of("allOf", "anyOf", "oneOf");
    private static final Set<String> OBJECT_WORDS = Set.of(
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "minProperties",
            "maxProperties",
            "dependencies",
            "dependentRequired",
            "dependentSchemas",
            "propertyNames");
    private static final Set<String> ARRAY_WORDS =
            Set.of("items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains");
    private static final Set<String> STRING_WORDS = Set.of("minLength", "maxLength", "pattern");
    private static final Set<String> NUMBER_WORDS =
            Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf");
    /** Keywords that are a constraint part of their own, beside the typed part. */
    private static final List<String> PART_WORDS = List.of("enum", "const", "allOf", "anyOf", "oneOf", "not");

    private static JsonShape of(Kind kind, Located at) {
        return new JsonShape(kind, at, null, List.of(), false);
    }

    /** The shape of a node that has no {@code $ref} (see {@link JsonSchemaDocs#dereference}). */
    static JsonShape classify(Located located) {
        JsonNode node = located.node();
        if (node.isBoolean()) {
            return of(node.asBoolean() ? Kind.EMPTY : Kind.FALSE, located);
        }
        if (!node.isObject()) {
            return of(Kind.EMPTY, located);
        }
        List<String> types = typesOf(node);
        List<String> parts = new ArrayList<>();
        PART_WORDS.forEach(w -> {
            if (node.has(w)) {
                parts.add(w);
            }
        });
        if (!types.isEmpty() && !parts.isEmpty()) {
            // several constraints at once: an allOf of the typed part and each keyword part
            ObjectNode typed = ((ObjectNode) node).deepCopy();
            PART_WORDS.forEach(typed::remove);
            List<Located> subs = new ArrayList<>();
            subs.add(new Located(typed, located.doc()));
            for (String part : parts) {
                subs.add(new Located(JsonNodeFactory.instance.objectNode().set(part, node.get(part)), located.doc()));
            }
            return new JsonShape(Kind.COMBINED, located, "allOf", subs, false);
        }
        if (parts.size() > 1) {
            List<Located> subs = new ArrayList<>();
            for (String part : parts) {
                subs.add(new Located(JsonNodeFactory.instance.objectNode().set(part, node.get(part)), located.doc()));
            }
            return new JsonShape(Kind.COMBINED, located, "allOf", subs, false);
        }
        if (parts.size() == 1) {
            return keywordPart(parts.get(0), located);
        }
        if (types.isEmpty()) {
            return of(Kind.EMPTY, located);
        }
        if (types.size() == 1) {
            return typed(types.get(0), located);
        }
        List<Located> subs = new ArrayList<>();
        for (String type : types) {
            ObjectNode single = ((ObjectNode) node).deepCopy();
            single.put("type", type);
            subs.add(new Located(single, located.doc()));
        }
        return new JsonShape(Kind.COMBINED, located, "anyOf", subs, false);
    }

    private static JsonShape keywordPart(String word, Located located) {
        JsonNode value = located.node().get(word);
        return switch (word) {
            case "enum" -> of(Kind.ENUM, located);
            case "const" -> of(Kind.CONST, located);
            case "not" -> new JsonShape(Kind.NOT, located, null, List.of(new Located(value, located.doc())), false);
            default -> {
                List<Located> subs = new ArrayList<>();
                value.forEach(v -> subs.add(new Located(v, located.doc())));
                yield new JsonShape(Kind.COMBINED, located, word, subs, false);
            }
        };
    }

    private static JsonShape typed(String type, Located located) {
        return switch (type) {
            case "string" -> of(Kind.STRING, located);
            case "integer" -> new JsonShape(Kind.NUMBER, located, null, List.of(), true);
            case "number" -> of(Kind.NUMBER, located);
            case "boolean" -> of(Kind.BOOLEAN, located);
            case "null" -> of(Kind.NULL, located);
            case "array" -> of(Kind.ARRAY, located);
            default -> of(Kind.OBJECT, located);
        };
    }

    /** The declared types, or the ones the keywords imply (JSON Schema applies them per instance type). */
    private static List<String> typesOf(JsonNode node) {
        JsonNode type = node.get("type");
        Set<String> types = new LinkedHashSet<>();
        if (type != null && type.isTextual()) {
            types.add(type.asText());
        } else if (type instanceof ArrayNode array) {
            array.forEach(t -> types.add(t.asText()));
        } else {
            node.fieldNames().forEachRemaining(word -> {
                if (OBJECT_WORDS.contains(word)) {
                    types.add("object");
                } else if (ARRAY_WORDS.contains(word)) {
                    types.add("array");
                } else if (STRING_WORDS.contains(word)) {
                    types.add("string");
                } else if (NUMBER_WORDS.contains(word)) {
                    types.add("number");
                }
            });
            if (types.size() > 1) {
                // rare mixes (object and string keywords, no type): read as the first implied kind only
                return List.of(types.iterator().next());
            }
        }
        return List.copyOf(types);
    }
}
