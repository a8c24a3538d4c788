package io.millrace.schema.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The state of one schema comparison (JSON Schema or Protobuf): the path being compared
 * ({@code #/a/b}), the differences found so far, and the pairs under comparison (a pair met again
 * while in progress is a recursive schema's cycle: the caller skips it). Sub-contexts share the
 * in-progress pairs so a trial comparison (does this branch match?) sees the same cycles. Not
 * thread-safe: one per comparison.
 *
 * @param <C> the type's kinds of change
 */
public final class DiffContext<C extends DiffContext.Change> {

    /**
     * A kind of change (an enum constant named as Confluent names it): incompatible exactly when it
     * has a description.
     */
    public interface Change {

        String name();

        /**
         * The description of an incompatible change, with {@code {path}}, {@code {update}} and
         * {@code {original}} standing for the path and the names of the two schemas; null for a
         * compatible change.
         */
        String template();

        default boolean compatible() {
            return template() == null;
        }

        /** Confluent's verbose form: {@code {errorType:"..", description:".."}}. */
        default String describe(String path, ParsedSchema.Roles roles) {
            String text = template()
                    .replace("{path}", path)
                    .replace("{update}", roles.update())
                    .replace("{original}", roles.original());
            return "{errorType:\"" + name() + "\", description:\"" + text + "\"}";
        }
    }

    /** One difference at a path. */
    public record Difference<C>(C change, String path) {}

    private final Deque<String> path;
    private final List<Difference<C>> differences = new ArrayList<>();
    private final Set<Object> inProgress;

    public DiffContext() {
        this(new ArrayDeque<>(), new HashSet<>());
    }

    private DiffContext(Deque<String> path, Set<Object> inProgress) {
        this.path = path;
        this.inProgress = inProgress;
    }

    /** A context at the same path whose differences are kept apart until {@link #addAll}. */
    public DiffContext<C> sub() {
        return new DiffContext<>(new ArrayDeque<>(path), inProgress);
    }

    /** Like {@link #sub()}, but at {@code #/segments...} (a referenced type reports from its own root). */
    public DiffContext<C> subAt(List<String> segments) {
        return new DiffContext<>(new ArrayDeque<>(segments), inProgress);
    }

    public void enter(String segment) {
        path.addLast(segment);
    }

    public void leave() {
        path.removeLast();
    }

    public void add(C change) {
        differences.add(new Difference<>(change, "#/" + String.join("/", path)));
    }

    public void add(String segment, C change) {
        enter(segment);
        add(change);
        leave();
    }

    public void addAll(DiffContext<C> other) {
        differences.addAll(other.differences);
    }

    public boolean compatible() {
        return differences.stream().allMatch(d -> d.change().compatible());
    }

    public List<Difference<C>> differences() {
        return differences;
    }

    /**
     * @param pair what identifies the two sides being compared (its {@code equals} decides repeats)
     * @return false when the pair is already being compared (a cycle); otherwise marks it
     */
    public boolean begin(Object pair) {
        return inProgress.add(pair);
    }

    public void end(Object pair) {
        inProgress.remove(pair);
    }

    /** The incompatible differences, in Confluent's verbose form, for the schemas {@code roles} names. */
    public static List<String> incompatible(
            List<? extends Difference<? extends Change>> differences, ParsedSchema.Roles roles) {
        List<String> out = new ArrayList<>();
        for (Difference<? extends Change> d : differences) {
            if (!d.change().compatible()) {
                out.add(d.change().describe(d.path(), roles));
            }
        }
        return out;
    }
}
