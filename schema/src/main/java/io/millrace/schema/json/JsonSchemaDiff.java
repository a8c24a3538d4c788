package io.millrace.schema.json;

import static io.millrace.schema.json.JsonChange.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.core.DiffContext;
import io.millrace.schema.json.JsonSchemaDocs.Located;
import io.millrace.schema.json.JsonShape.Kind;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares an original JSON schema with an update, following Confluent's JSON Schema rules: the
 * update is BACKWARD compatible when every difference found is a widening ({@link JsonChange}).
 * Covered: type changes (integer to number widens; a type into a oneOf/anyOf that contains it
 * widens), string, number, object and array keywords (see {@link JsonObjectDiff},
 * {@link JsonArrayDiff}), enum and const, allOf/anyOf/oneOf ({@link JsonCombinedDiff}), not, and
 * {@code $ref} (followed, recursion cut where a pair repeats). Annotations ({@code title},
 * {@code description}, {@code default}, {@code $id}) never make a schema incompatible and are not
 * reported. Stateless, thread-safe.
 */
final class JsonSchemaDiff {

    private JsonSchemaDiff() {}

    /** Every difference from {@code original} to {@code update}, compatible ones included. */
    static List<DiffContext.Difference<JsonChange>> compare(JsonSchemaDocs original, JsonSchemaDocs update) {
        DiffContext<JsonChange> ctx = new DiffContext<>();
        compare(ctx, original, original.root(), update, update.root());
        return ctx.differences();
    }

    static void compare(
            DiffContext<JsonChange> ctx,
            JsonSchemaDocs originalDocs,
            Located original,
            JsonSchemaDocs updateDocs,
            Located update) {
        if (original == null && update == null) {
            return;
        }
        if (original == null) {
            ctx.add(SCHEMA_ADDED);
            return;
        }
        if (update == null) {
            ctx.add(SCHEMA_REMOVED);
            return;
        }
        Located o = originalDocs.dereference(original);
        Located u = updateDocs.dereference(update);
        if (o == null || u == null) {
            // a reference the parser accepted but this check cannot follow (an embedded resource's $id):
            // judge it by its text
            if (!original.node().equals(update.node())) {
                ctx.add(TYPE_CHANGED);
            }
            return;
        }
        NodePair pair = new NodePair(o.node(), u.node());
        if (!ctx.begin(pair)) {
            return;
        }
        try {
            compareShapes(ctx, new Pair(originalDocs, JsonShape.classify(o), updateDocs, JsonShape.classify(u)));
        } finally {
            ctx.end(pair);
        }
    }

    /** Two nodes by identity: structurally equal nodes elsewhere in a document are other schemas. */
    private record NodePair(JsonNode original, JsonNode update) {
        @Override
        public boolean equals(Object o) {
            return o instanceof NodePair p && p.original == original && p.update == update;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(original) + System.identityHashCode(update);
        }
    }

    /** The two sides of one comparison, with their documents for following references. */
    record Pair(JsonSchemaDocs originalDocs, JsonShape original, JsonSchemaDocs updateDocs, JsonShape update) {

        void compare(DiffContext<JsonChange> ctx, Located originalSub, Located updateSub) {
            JsonSchemaDiff.compare(ctx, originalDocs, originalSub, updateDocs, updateSub);
        }

        /** Compares two subschemas (null: absent), each read in its own side's document. */
        void compareNodes(DiffContext<JsonChange> ctx, JsonNode originalSub, JsonNode updateSub) {
            compare(ctx, located(originalSub, original), located(updateSub, update));
        }

        /**
         * Compares a property or item with the schema of the other side's partially open content
         * model that covers it: keeps the differences found, then adds {@code covered} when they
         * are all compatible, {@code notCovered} otherwise.
         */
        void compareCovered(
                DiffContext<JsonChange> ctx,
                JsonNode originalSub,
                JsonNode updateSub,
                JsonChange covered,
                JsonChange notCovered) {
            DiffContext<JsonChange> trial = ctx.sub();
            compareNodes(trial, originalSub, updateSub);
            ctx.addAll(trial);
            ctx.add(trial.compatible() ? covered : notCovered);
        }

        private static Located located(JsonNode node, JsonShape side) {
            return node == null ? null : new Located(node, side.at().doc());
        }

        JsonNode originalNode() {
            return original.at().node();
        }

        JsonNode updateNode() {
            return update.at().node();
        }
    }

    /** {@code true} or {@code {}}: a schema every value satisfies. */
    static boolean acceptsAnything(JsonNode schema) {
        return (schema.isBoolean() && schema.asBoolean()) || (schema.isObject() && schema.isEmpty());
    }

    /** {@code false}: a schema no value satisfies. */
    static boolean acceptsNothing(JsonNode schema) {
        return schema.isBoolean() && !schema.asBoolean();
    }

    private static void compareShapes(DiffContext<JsonChange> ctx, Pair p) {
        JsonShape original = p.original();
        JsonShape update = p.update();
        if (original.kind() != Kind.COMBINED && update.kind() == Kind.COMBINED) {
            if (update.subs().size() == 1 || !update.criterion().equals("allOf")) {
                // a schema that became one branch of a union (or a singleton combination) may still match
                for (Located sub : update.subs()) {
                    DiffContext<JsonChange> trial = ctx.sub();
                    p.compare(trial, original.at(), sub);
                    if (trial.compatible()) {
                        ctx.addAll(trial);
                        if (update.subs().size() > 1) {
                            ctx.add(SUM_TYPE_EXTENDED);
                        }
                        return;
                    }
                }
            }
        } else if (original.kind() == Kind.COMBINED
                && update.kind() != Kind.COMBINED
                && original.subs().size() == 1) {
            DiffContext<JsonChange> trial = ctx.sub();
            p.compare(trial, original.subs().get(0), update.at());
            if (trial.compatible()) {
                ctx.addAll(trial);
                return;
            }
        }
        if (original.kind() != update.kind()) {
            if (original.kind() != Kind.FALSE && update.kind() != Kind.EMPTY) {
                ctx.add(TYPE_CHANGED);
            }
            return;
        }
        switch (original.kind()) {
            case STRING -> compareString(ctx, p.originalNode(), p.updateNode());
            case NUMBER -> compareNumber(ctx, original, update);
            case ENUM ->
                compareEnum(ctx, p.originalNode().get("enum"), p.updateNode().get("enum"));
            case CONST -> {
                if (!p.originalNode().get("const").equals(p.updateNode().get("const"))) {
                    ctx.add("const", ENUM_ARRAY_CHANGED);
                }
            }
            case NOT -> compareNot(ctx, p);
            case OBJECT -> JsonObjectDiff.compare(ctx, p);
            case ARRAY -> JsonArrayDiff.compare(ctx, p);
            case COMBINED -> JsonCombinedDiff.compare(ctx, p);
            default -> {
                // EMPTY, FALSE, BOOLEAN, NULL carry no further constraints
            }
        }
    }

    private static void compareString(DiffContext<JsonChange> ctx, JsonNode original, JsonNode update) {
        compareLimit(
                ctx,
                "maxLength",
                original,
                update,
                MAX_LENGTH_ADDED,
                MAX_LENGTH_REMOVED,
                MAX_LENGTH_INCREASED,
                MAX_LENGTH_DECREASED);
        compareLimit(
                ctx,
                "minLength",
                original,
                update,
                MIN_LENGTH_ADDED,
                MIN_LENGTH_REMOVED,
                MIN_LENGTH_INCREASED,
                MIN_LENGTH_DECREASED);
        JsonNode op = original.get("pattern");
        JsonNode up = update.get("pattern");
        if (op == null && up != null) {
            ctx.add("pattern", PATTERN_ADDED);
        } else if (op != null && up == null) {
            ctx.add("pattern", PATTERN_REMOVED);
        } else if (op != null && !op.equals(up)) {
            ctx.add("pattern", PATTERN_CHANGED);
        }
    }

    private static void compareNumber(DiffContext<JsonChange> ctx, JsonShape original, JsonShape update) {
        JsonNode o = original.at().node();
        JsonNode u = update.at().node();
        compareNumeric(
                ctx,
                "maximum",
                bound(o, "maximum", false),
                bound(u, "maximum", false),
                MAXIMUM_ADDED,
                MAXIMUM_REMOVED,
                MAXIMUM_INCREASED,
                MAXIMUM_DECREASED);
        compareNumeric(
                ctx,
                "minimum",
                bound(o, "minimum", false),
                bound(u, "minimum", false),
                MINIMUM_ADDED,
                MINIMUM_REMOVED,
                MINIMUM_INCREASED,
                MINIMUM_DECREASED);
        compareNumeric(
                ctx,
                "exclusiveMaximum",
                bound(o, "maximum", true),
                bound(u, "maximum", true),
                EXCLUSIVE_MAXIMUM_ADDED,
                EXCLUSIVE_MAXIMUM_REMOVED,
                EXCLUSIVE_MAXIMUM_INCREASED,
                EXCLUSIVE_MAXIMUM_DECREASED);
        compareNumeric(
                ctx,
                "exclusiveMinimum",
                bound(o, "minimum", true),
                bound(u, "minimum", true),
                EXCLUSIVE_MINIMUM_ADDED,
                EXCLUSIVE_MINIMUM_REMOVED,
                EXCLUSIVE_MINIMUM_INCREASED,
                EXCLUSIVE_MINIMUM_DECREASED);
        BigDecimal om = decimal(o.get("multipleOf"));
        BigDecimal um = decimal(u.get("multipleOf"));
        if (om == null && um != null) {
            ctx.add("multipleOf", MULTIPLE_OF_ADDED);
        } else if (om != null && um == null) {
            ctx.add("multipleOf", MULTIPLE_OF_REMOVED);
        } else if (om != null && om.compareTo(um) != 0) {
            if (um.remainder(om).signum() == 0) {
                ctx.add("multipleOf", MULTIPLE_OF_EXPANDED);
            } else if (om.remainder(um).signum() == 0) {
                ctx.add("multipleOf", MULTIPLE_OF_REDUCED);
            } else {
                ctx.add("multipleOf", MULTIPLE_OF_CHANGED);
            }
        }
        if (original.integer() != update.integer()) {
            ctx.add(original.integer() ? TYPE_EXTENDED : TYPE_NARROWED);
        }
    }

    /**
     * An inclusive or exclusive bound: draft 6+ writes {@code exclusiveMaximum: 5}, draft 4
     * {@code maximum: 5, exclusiveMaximum: true}.
     */
    private static BigDecimal bound(JsonNode node, String name, boolean exclusive) {
        String exclusiveName = "exclusive" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        JsonNode flag = node.get(exclusiveName);
        boolean draft4Exclusive = flag != null && flag.isBoolean() && flag.asBoolean();
        if (exclusive) {
            return flag != null && flag.isNumber()
                    ? flag.decimalValue()
                    : draft4Exclusive ? decimal(node.get(name)) : null;
        }
        return draft4Exclusive ? null : decimal(node.get(name));
    }

    private static BigDecimal decimal(JsonNode node) {
        return node != null && node.isNumber() ? node.decimalValue() : null;
    }

    static void compareLimit(
            DiffContext<JsonChange> ctx,
            String keyword,
            JsonNode original,
            JsonNode update,
            JsonChange added,
            JsonChange removed,
            JsonChange increased,
            JsonChange decreased) {
        compareNumeric(
                ctx,
                keyword,
                decimal(original.get(keyword)),
                decimal(update.get(keyword)),
                added,
                removed,
                increased,
                decreased);
    }

    private static void compareNumeric(
            DiffContext<JsonChange> ctx,
            String keyword,
            BigDecimal original,
            BigDecimal update,
            JsonChange added,
            JsonChange removed,
            JsonChange increased,
            JsonChange decreased) {
        if (original == null && update != null) {
            ctx.add(keyword, added);
        } else if (original != null && update == null) {
            ctx.add(keyword, removed);
        } else if (original != null && original.compareTo(update) != 0) {
            ctx.add(keyword, original.compareTo(update) < 0 ? increased : decreased);
        }
    }

    private static void compareEnum(DiffContext<JsonChange> ctx, JsonNode original, JsonNode update) {
        Set<JsonNode> o = new HashSet<>();
        original.forEach(o::add);
        Set<JsonNode> u = new HashSet<>();
        update.forEach(u::add);
        if (o.equals(u)) {
            return;
        }
        if (u.containsAll(o)) {
            ctx.add("enum", ENUM_ARRAY_EXTENDED);
        } else if (o.containsAll(u)) {
            ctx.add("enum", ENUM_ARRAY_NARROWED);
        } else {
            ctx.add("enum", ENUM_ARRAY_CHANGED);
        }
    }

    /** {@code not}: the update's excluded schema must fit inside the original's (the roles reverse). */
    private static void compareNot(DiffContext<JsonChange> ctx, Pair p) {
        ctx.enter("not");
        DiffContext<JsonChange> trial = ctx.sub();
        compare(
                trial,
                p.updateDocs(),
                p.update().subs().get(0),
                p.originalDocs(),
                p.original().subs().get(0));
        ctx.add(trial.compatible() ? NOT_TYPE_NARROWED : NOT_TYPE_EXTENDED);
        ctx.leave();
    }
}
