package io.millrace.schema.json;

import static io.millrace.schema.json.JsonChange.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.core.DiffContext;
import io.millrace.schema.json.JsonSchemaDocs.Located;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code allOf}, {@code anyOf} and {@code oneOf}, as Confluent compares them. The criterion may
 * only widen (anything to anyOf; a single-branch combination to oneOf or allOf); a sum type
 * (anyOf/oneOf) may gain branches and a product type (allOf) may lose some. Branches are paired
 * by a maximum matching over the pairs that compare compatibly; when fewer than the smaller side
 * pair up, some branch changed incompatibly. Stateless.
 */
final class JsonCombinedDiff {

    private JsonCombinedDiff() {}

    static void compare(DiffContext<JsonChange> ctx, JsonSchemaDiff.Pair p) {
        JsonShape original = p.original();
        JsonShape update = p.update();
        JsonChange criterion = criterionChange(original, update);
        if (criterion != null) {
            ctx.add(criterion);
            if (criterion == COMBINED_TYPE_CHANGED) {
                return;
            }
        }
        List<Located> oSubs = distinct(original.subs());
        List<Located> uSubs = distinct(update.subs());
        boolean product = update.criterion().equals("allOf");
        if (oSubs.size() < uSubs.size()) {
            ctx.add(product ? PRODUCT_TYPE_EXTENDED : SUM_TYPE_EXTENDED);
        } else if (oSubs.size() > uSubs.size()) {
            ctx.add(product ? PRODUCT_TYPE_NARROWED : SUM_TYPE_NARROWED);
        }
        // compatible[i][j]: the differences when original branch i is replaced by update branch j
        List<List<DiffContext<JsonChange>>> compatible = new ArrayList<>();
        for (int i = 0; i < oSubs.size(); i++) {
            ctx.enter(original.criterion() + "/" + i);
            List<DiffContext<JsonChange>> row = new ArrayList<>();
            for (Located uSub : uSubs) {
                DiffContext<JsonChange> trial = ctx.sub();
                p.compare(trial, oSubs.get(i), uSub);
                row.add(trial.compatible() ? trial : null);
            }
            compatible.add(row);
            ctx.leave();
        }
        int[] match = maximumMatching(compatible, uSubs.size());
        int matched = 0;
        for (int j = 0; j < match.length; j++) {
            if (match[j] >= 0) {
                ctx.addAll(compatible.get(match[j]).get(j));
                matched++;
            }
        }
        if (matched < Math.min(oSubs.size(), uSubs.size())) {
            ctx.add(COMBINED_TYPE_SUBSCHEMAS_CHANGED);
        }
    }

    private static JsonChange criterionChange(JsonShape original, JsonShape update) {
        String from = original.criterion();
        String to = update.criterion();
        if (from.equals(to)) {
            return null;
        }
        if (to.equals("anyOf")) {
            return COMBINED_TYPE_EXTENDED;
        }
        boolean singleton = original.subs().size() == 1;
        if (to.equals("oneOf")) {
            return singleton ? COMBINED_TYPE_EXTENDED : COMBINED_TYPE_CHANGED;
        }
        return singleton && update.subs().size() == 1 ? COMBINED_TYPE_EXTENDED : COMBINED_TYPE_CHANGED;
    }

    /** Branches with equal JSON collapse into one, as a set would. */
    private static List<Located> distinct(List<Located> subs) {
        Map<JsonNode, Located> unique = new LinkedHashMap<>();
        subs.forEach(s -> unique.putIfAbsent(s.node(), s));
        return new ArrayList<>(unique.values());
    }

    /**
     * Kuhn's augmenting paths over original rows and update columns (small: a handful of branches).
     *
     * @return for each update column, the matched original row or -1
     */
    private static int[] maximumMatching(List<List<DiffContext<JsonChange>>> edges, int columns) {
        int[] matchOfColumn = new int[columns];
        Arrays.fill(matchOfColumn, -1);
        for (int row = 0; row < edges.size(); row++) {
            augment(row, edges, matchOfColumn, new boolean[columns]);
        }
        return matchOfColumn;
    }

    private static boolean augment(
            int row, List<List<DiffContext<JsonChange>>> edges, int[] matchOfColumn, boolean[] seen) {
        for (int col = 0; col < matchOfColumn.length; col++) {
            if (edges.get(row).get(col) == null || seen[col]) {
                continue;
            }
            seen[col] = true;
            if (matchOfColumn[col] < 0 || augment(matchOfColumn[col], edges, matchOfColumn, seen)) {
                matchOfColumn[col] = row;
                return true;
            }
        }
        return false;
    }
}
