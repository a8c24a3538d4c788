package io.millrace.schema.json;

import static io.millrace.schema.json.JsonChange.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.core.DiffContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Array keywords, as Confluent compares them: the schema every item must satisfy, positional
 * (tuple) item schemas with the content model of the items after them (open, closed or partially
 * open, like {@link JsonObjectDiff}'s properties), {@code additionalItems}, {@code minItems},
 * {@code maxItems} and {@code uniqueItems}. Draft 2020-12's {@code prefixItems} + {@code items} read
 * as the older {@code items} array + {@code additionalItems}. Stateless.
 */
final class JsonArrayDiff {

    /** One side's item keywords in the pre-2020-12 vocabulary. */
    private record Items(JsonNode all, List<JsonNode> tuple, JsonNode additional) {

        static Items of(JsonNode node) {
            JsonNode items = node.get("items");
            JsonNode prefix = node.get("prefixItems");
            List<JsonNode> tuple = new ArrayList<>();
            if (prefix != null && prefix.isArray()) {
                prefix.forEach(tuple::add);
                return new Items(null, tuple, items);
            }
            if (items != null && items.isArray()) {
                items.forEach(tuple::add);
                return new Items(null, tuple, node.get("additionalItems"));
            }
            return new Items(items, tuple, null);
        }

        boolean permitsAdditional() {
            return additional == null || !additional.isBoolean() || additional.asBoolean();
        }

        JsonNode additionalSchema() {
            return additional == null || additional.isBoolean() ? null : additional;
        }

        boolean open() {
            return permitsAdditional() && additionalSchema() == null;
        }
    }

    private JsonArrayDiff() {}

    static void compare(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p) {
        JsonNode o = p.originalNode();
        JsonNode u = p.updateNode();
        Items oItems = Items.of(o);
        Items uItems = Items.of(u);
        ctx.enter("items");
        p.compareNodes(ctx, oItems.all(), uItems.all());
        ctx.leave();
        compareTuples(ctx, p, oItems, uItems);
        compareAdditional(ctx, p, oItems, uItems);
        JsonSchemaDiff.compareLimit(
                ctx, "maxItems", o, u, MAX_ITEMS_ADDED, MAX_ITEMS_REMOVED, MAX_ITEMS_INCREASED, MAX_ITEMS_DECREASED);
        JsonSchemaDiff.compareLimit(
                ctx, "minItems", o, u, MIN_ITEMS_ADDED, MIN_ITEMS_REMOVED, MIN_ITEMS_INCREASED, MIN_ITEMS_DECREASED);
        boolean oUnique = o.path("uniqueItems").asBoolean(false);
        boolean uUnique = u.path("uniqueItems").asBoolean(false);
        if (oUnique != uUnique) {
            ctx.add("uniqueItems", oUnique ? UNIQUE_ITEMS_REMOVED : UNIQUE_ITEMS_ADDED);
        }
    }

    private static void compareTuples(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p, Items o, Items u) {
        int common = Math.min(o.tuple().size(), u.tuple().size());
        for (int i = 0; i < Math.max(o.tuple().size(), u.tuple().size()); i++) {
            ctx.enter("items");
            ctx.enter(Integer.toString(i));
            if (i < common) {
                p.compareNodes(ctx, o.tuple().get(i), u.tuple().get(i));
            } else if (i < o.tuple().size()) {
                removed(ctx, p, o.tuple().get(i), u);
            } else {
                added(ctx, p, o, u.tuple().get(i));
            }
            ctx.leave();
            ctx.leave();
        }
    }

    private static void removed(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p, JsonNode item, Items u) {
        if (u.open()) {
            ctx.add(ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
        } else if (u.additionalSchema() != null) {
            p.compareCovered(
                    ctx,
                    item,
                    u.additionalSchema(),
                    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        } else {
            ctx.add(
                    JsonSchemaDiff.acceptsNothing(item)
                            ? ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                            : ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        }
    }

    private static void added(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p, Items o, JsonNode item) {
        if (o.open()) {
            ctx.add(
                    JsonSchemaDiff.acceptsAnything(item)
                            ? ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                            : ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
        } else if (o.additionalSchema() != null) {
            p.compareCovered(
                    ctx,
                    o.additionalSchema(),
                    item,
                    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
        } else {
            ctx.add(ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
        }
    }

    private static void compareAdditional(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p, Items o, Items u) {
        if (o.tuple().isEmpty() && u.tuple().isEmpty()) {
            return;
        }
        ctx.enter("additionalItems");
        if (o.permitsAdditional() != u.permitsAdditional()) {
            ctx.add(o.permitsAdditional() ? ADDITIONAL_ITEMS_REMOVED : ADDITIONAL_ITEMS_ADDED);
        } else if (o.additionalSchema() == null && u.additionalSchema() != null) {
            ctx.add(ADDITIONAL_ITEMS_NARROWED);
        } else if (o.additionalSchema() != null && u.additionalSchema() == null) {
            ctx.add(ADDITIONAL_ITEMS_EXTENDED);
        } else if (o.additionalSchema() != null) {
            p.compareNodes(ctx, o.additionalSchema(), u.additionalSchema());
        }
        ctx.leave();
    }
}
