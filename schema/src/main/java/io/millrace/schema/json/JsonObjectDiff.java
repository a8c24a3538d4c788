package io.millrace.schema.json;

import static io.millrace.schema.json.JsonChange.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.core.DiffContext;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Object keywords, as Confluent compares them. The content model decides what adding or removing a
 * property means: <em>open</em> (no {@code additionalProperties}, or {@code true}, and no
 * {@code patternProperties}: any property is allowed), <em>closed</em>
 * ({@code additionalProperties: false}) or <em>partially open</em> (a schema for additional or
 * pattern properties). Removing a property from an open update, or adding one to a closed
 * original, is compatible; the other moves are judged against the partial schema or are
 * incompatible. Also: {@code required} (with {@code default} making an added requirement
 * compatible), {@code additionalProperties}, {@code dependencies} / {@code dependentRequired} /
 * {@code dependentSchemas}, {@code minProperties}, {@code maxProperties}. Stateless.
 */
final class JsonObjectDiff {

    private JsonObjectDiff() {}

    static void compare(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p) {
        JsonNode o = p.originalNode();
        JsonNode u = p.updateNode();
        compareRequired(ctx, o, u);
        compareProperties(ctx, p);
        compareDependencies(ctx, p);
        compareAdditionalProperties(ctx, p);
        JsonSchemaDiff.compareLimit(
                ctx,
                "maxProperties",
                o,
                u,
                MAX_PROPERTIES_ADDED,
                MAX_PROPERTIES_REMOVED,
                MAX_PROPERTIES_INCREASED,
                MAX_PROPERTIES_DECREASED);
        JsonSchemaDiff.compareLimit(
                ctx,
                "minProperties",
                o,
                u,
                MIN_PROPERTIES_ADDED,
                MIN_PROPERTIES_REMOVED,
                MIN_PROPERTIES_INCREASED,
                MIN_PROPERTIES_DECREASED);
    }

    private static void compareRequired(DiffContext<JsonChange> ctx, JsonNode o, JsonNode u) {
        Set<String> oRequired = strings(o.get("required"));
        Set<String> uRequired = strings(u.get("required"));
        ctx.enter("required");
        for (String name : names(o.get("properties"))) {
            if (!u.path("properties").has(name)) {
                continue;
            }
            boolean was = oRequired.contains(name);
            boolean is = uRequired.contains(name);
            if (was && !is) {
                ctx.add(name, REQUIRED_ATTRIBUTE_REMOVED);
            } else if (!was && is) {
                ctx.add(
                        name,
                        u.get("properties").get(name).has("default")
                                ? REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                                : REQUIRED_ATTRIBUTE_ADDED);
            }
        }
        ctx.leave();
    }

    private static void compareProperties(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p) {
        JsonNode o = p.originalNode();
        JsonNode u = p.updateNode();
        Set<String> all = new TreeSet<>(names(o.get("properties")));
        all.addAll(names(u.get("properties")));
        ctx.enter("properties");
        for (String name : all) {
            ctx.enter(name);
            JsonNode oProp = o.path("properties").get(name);
            JsonNode uProp = u.path("properties").get(name);
            if (uProp == null) {
                removed(ctx, p, name, oProp);
            } else if (oProp == null) {
                added(ctx, p, name, uProp);
            } else {
                p.compareNodes(ctx, oProp, uProp);
            }
            ctx.leave();
        }
        ctx.leave();
    }

    private static void removed(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p, String name, JsonNode oProp) {
        JsonNode u = p.updateNode();
        if (open(u)) {
            ctx.add(PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
            return;
        }
        JsonNode partial = partialSchema(u, name);
        if (partial != null) {
            p.compareCovered(
                    ctx,
                    oProp,
                    partial,
                    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        } else {
            ctx.add(
                    JsonSchemaDiff.acceptsNothing(oProp)
                            ? PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                            : PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        }
    }

    private static void added(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p, String name, JsonNode uProp) {
        JsonNode o = p.originalNode();
        if (open(o)) {
            ctx.add(
                    JsonSchemaDiff.acceptsAnything(uProp)
                            ? PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                            : PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
            return;
        }
        JsonNode partial = partialSchema(o, name);
        if (partial != null) {
            p.compareCovered(
                    ctx,
                    partial,
                    uProp,
                    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        }
        if (strings(p.updateNode().get("required")).contains(name)) {
            ctx.add(
                    uProp.has("default")
                            ? REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                            : REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
        } else {
            ctx.add(OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
        }
    }

    private static void compareDependencies(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p) {
        ctx.enter("dependencies");
        JsonNode o = p.originalNode();
        JsonNode u = p.updateNode();
        Map<String, JsonNode> oArrays = dependencies(o, true);
        Map<String, JsonNode> uArrays = dependencies(u, true);
        Set<String> keys = new TreeSet<>(oArrays.keySet());
        keys.addAll(uArrays.keySet());
        for (String key : keys) {
            Set<String> was = oArrays.containsKey(key) ? strings(oArrays.get(key)) : null;
            Set<String> is = uArrays.containsKey(key) ? strings(uArrays.get(key)) : null;
            if (is == null) {
                ctx.add(key, DEPENDENCY_ARRAY_REMOVED);
            } else if (was == null) {
                ctx.add(key, DEPENDENCY_ARRAY_ADDED);
            } else if (!was.equals(is)) {
                ctx.add(
                        key,
                        is.containsAll(was)
                                ? DEPENDENCY_ARRAY_EXTENDED
                                : was.containsAll(is) ? DEPENDENCY_ARRAY_NARROWED : DEPENDENCY_ARRAY_CHANGED);
            }
        }
        Map<String, JsonNode> oSchemas = dependencies(o, false);
        Map<String, JsonNode> uSchemas = dependencies(u, false);
        keys = new TreeSet<>(oSchemas.keySet());
        keys.addAll(uSchemas.keySet());
        for (String key : keys) {
            ctx.enter(key);
            if (!uSchemas.containsKey(key)) {
                ctx.add(DEPENDENCY_SCHEMA_REMOVED);
            } else if (!oSchemas.containsKey(key)) {
                ctx.add(DEPENDENCY_SCHEMA_ADDED);
            } else {
                p.compareNodes(ctx, oSchemas.get(key), uSchemas.get(key));
            }
            ctx.leave();
        }
        ctx.leave();
    }

    /** Property dependencies (arrays) or schema dependencies, from draft-7 and 2019-09+ keywords alike. */
    private static Map<String, JsonNode> dependencies(JsonNode node, boolean arrays) {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        for (String keyword : new String[] {"dependencies", arrays ? "dependentRequired" : "dependentSchemas"}) {
            JsonNode deps = node.get(keyword);
            if (deps != null && deps.isObject()) {
                deps.fields().forEachRemaining(e -> {
                    if (e.getValue().isArray() == arrays) {
                        out.put(e.getKey(), e.getValue());
                    }
                });
            }
        }
        return out;
    }

    private static void compareAdditionalProperties(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p) {
        JsonNode o = p.originalNode().get("additionalProperties");
        JsonNode u = p.updateNode().get("additionalProperties");
        ctx.enter("additionalProperties");
        boolean oPermits = o == null || !o.isBoolean() || o.asBoolean();
        boolean uPermits = u == null || !u.isBoolean() || u.asBoolean();
        boolean oSchema = o != null && !o.isBoolean();
        boolean uSchema = u != null && !u.isBoolean();
        if (oPermits != uPermits) {
            ctx.add(uPermits ? ADDITIONAL_PROPERTIES_ADDED : ADDITIONAL_PROPERTIES_REMOVED);
        } else if (!oSchema && uSchema) {
            ctx.add(ADDITIONAL_PROPERTIES_NARROWED);
        } else if (oSchema && !uSchema) {
            ctx.add(ADDITIONAL_PROPERTIES_EXTENDED);
        } else if (oSchema) {
            p.compareNodes(ctx, o, u);
        }
        ctx.leave();
    }

    /** Open: every undeclared property is allowed, with no schema to satisfy. */
    static boolean open(JsonNode node) {
        JsonNode additional = node.get("additionalProperties");
        boolean noPatterns =
                !node.has("patternProperties") || node.get("patternProperties").isEmpty();
        return noPatterns && (additional == null || (additional.isBoolean() && additional.asBoolean()));
    }

    /** The schema an undeclared property {@code name} must satisfy, or null when closed to it. */
    private static JsonNode partialSchema(JsonNode node, String name) {
        JsonNode patterns = node.get("patternProperties");
        if (patterns != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = patterns.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    if (Pattern.compile(e.getKey()).matcher(name).find()) {
                        return e.getValue();
                    }
                } catch (PatternSyntaxException ignored) {
                    // an ECMA-262 pattern Java cannot compile does not cover the property
                }
            }
        }
        JsonNode additional = node.get("additionalProperties");
        return additional == null || additional.isBoolean() ? null : additional;
    }

    private static Set<String> names(JsonNode properties) {
        Set<String> names = new LinkedHashSet<>();
        if (properties != null && properties.isObject()) {
            properties.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    static Set<String> strings(JsonNode array) {
        Set<String> out = new HashSet<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
