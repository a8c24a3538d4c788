package io.millrace.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The state of one comparison: the JSON path being compared, the differences found so far, and
 * the (original, update) node pairs under comparison (a pair met again while in progress is a
 * recursive schema's cycle and counts as equal). Sub-contexts share the in-progress pairs so a
 * trial comparison (does this sub-schema match?) sees the same cycles. Not thread-safe.
 */
final class JsonDiffContext {

    /** One difference at a path. */
    record Difference(JsonChange change, String path) {
    }

    private record Pair(JsonNode original, JsonNode update) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pair p && p.original == original && p.update == update;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(original) + System.identityHashCode(update);
        }
    }

    private final Deque<String> path;
    private final List<Difference> differences = new ArrayList<>();
    private final Set<Pair> inProgress;

    JsonDiffContext() {
        this(new ArrayDeque<>(), new HashSet<>());
    }

    private JsonDiffContext(Deque<String> path, Set<Pair> inProgress) {
        this.path = path;
        this.inProgress = inProgress;
    }

    /** A context at the same path whose differences are kept apart until {@link #addAll}. */
    JsonDiffContext sub() {
        return new JsonDiffContext(new ArrayDeque<>(path), inProgress);
    }

    void enter(String segment) {
        path.addLast(segment);
    }

    void leave() {
        path.removeLast();
    }

    void add(JsonChange change) {
        differences.add(new Difference(change, "#/" + String.join("/", path)));
    }

    void add(String keyword, JsonChange change) {
        enter(keyword);
        add(change);
        leave();
    }

    void addAll(JsonDiffContext other) {
        differences.addAll(other.differences);
    }

    boolean compatible() {
        return differences.stream().allMatch(d -> d.change().compatible());
    }

    List<Difference> differences() {
        return differences;
    }

    /** @return false when the pair is already being compared (a cycle); otherwise marks it */
    boolean begin(JsonNode original, JsonNode update) {
        return inProgress.add(new Pair(original, update));
    }

    void end(JsonNode original, JsonNode update) {
        inProgress.remove(new Pair(original, update));
    }
}
