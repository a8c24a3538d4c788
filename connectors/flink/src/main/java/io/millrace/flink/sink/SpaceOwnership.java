package io.millrace.flink.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which spaces of transactional ids ({@link TransactionalIds}) an exactly-once writer owns after a
 * start or restore, and so which lingering transactions it aborts and where it writes.
 *
 * <p>The states of a checkpoint cover the spaces {@code 0 .. spaceCount-1}, one state per space
 * ({@link MillraceWriterState}). Flink hands each state to exactly one writer of the restored job
 * (round-robin split redistribution: with more writers than states, writers {@code 0 .. states-1}
 * get one state each; with the same parallelism each writer gets its own states back), so:
 *
 * <ul>
 *   <li>a writer owns the spaces of the states it receives, and writes in the lowest of them;
 *   <li>a writer that receives no state owns its own index as a space and writes there; it has an
 *       index of at least {@code spaceCount}, so no state covers that space;
 *   <li>spaces no state covers (from attempts with a higher parallelism that never completed a
 *       checkpoint) belong by index modulo parallelism; for a writer without state that is every
 *       space congruent to its index, all of them at least {@code spaceCount}.
 * </ul>
 *
 * Ownership is exclusive, so writers never abort one another's transactions. A changed prefix
 * keeps the spaces: a writer aborts lingering transactions of its spaces under the old prefix and
 * the new one, and writes under the new one. Immutable.
 */
final class SpaceOwnership {

    private final int subtask;
    private final int parallelism;
    /** The recovered pending transactions of every owned space, by space (the home space is the first). */
    private final NavigableMap<Integer, List<MillraceCommittable>> spaces;

    private final int homeSpace;
    private final int restoredSpaceCount;
    private final Set<String> prefixes;

    private SpaceOwnership(
            int subtask,
            int parallelism,
            NavigableMap<Integer, List<MillraceCommittable>> spaces,
            int restoredSpaceCount,
            Set<String> prefixes) {
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.spaces = spaces;
        this.homeSpace = spaces.firstKey();
        this.restoredSpaceCount = restoredSpaceCount;
        this.prefixes = prefixes;
    }

    /**
     * The ownership of writer {@code subtask} of {@code parallelism} writing under {@code prefix},
     * given the states it recovered (none on a fresh start).
     *
     * @throws IllegalStateException if the recovered states do not come from one checkpoint
     */
    static SpaceOwnership of(String prefix, int subtask, int parallelism, Collection<MillraceWriterState> recovered) {
        NavigableMap<Integer, List<MillraceCommittable>> spaces = new TreeMap<>();
        Set<String> prefixes = new LinkedHashSet<>();
        prefixes.add(prefix);
        int spaceCount = 0;
        for (MillraceWriterState state : recovered) {
            if (spaceCount != 0 && spaceCount != state.spaceCount()) {
                throw new IllegalStateException("Recovered writer states disagree on the number of spaces: " + recovered
                        + "; they must come from one checkpoint");
            }
            spaceCount = state.spaceCount();
            if (state.space() < 0 || state.space() >= spaceCount || spaces.containsKey(state.space())) {
                throw new IllegalStateException("Recovered writer state for space " + state.space()
                        + " does not fit the other states: " + recovered);
            }
            spaces.put(state.space(), new ArrayList<>(state.pending()));
            prefixes.add(state.transactionalIdPrefix());
        }
        if (spaces.isEmpty()) {
            spaces.put(subtask, new ArrayList<>());
        }
        return new SpaceOwnership(subtask, parallelism, spaces, spaceCount, prefixes);
    }

    /** The space the writer opens its transactions in. */
    int homeSpace() {
        return homeSpace;
    }

    /** The owned spaces in ascending order; the writer checkpoints one state for each. */
    Set<Integer> spaces() {
        return spaces.navigableKeySet();
    }

    /** The pre-committed transactions of {@code space} in the recovered states. */
    List<MillraceCommittable> recoveredPending(int space) {
        return List.copyOf(spaces.get(space));
    }

    /** Every recovered pre-committed transaction of the owned spaces. */
    List<MillraceCommittable> recoveredPending() {
        List<MillraceCommittable> all = new ArrayList<>();
        spaces.values().forEach(all::addAll);
        return all;
    }

    /** How many spaces the states of the writers' next checkpoints cover. */
    int spaceCount() {
        return Math.max(restoredSpaceCount, parallelism);
    }

    /** The prefixes whose lingering transactions the writer aborts: the current one and the recovered ones. */
    Set<String> prefixes() {
        return prefixes;
    }

    /** Whether the writer aborts lingering transactions of {@code space}. */
    boolean claims(int space) {
        return spaces.containsKey(space) || (space >= restoredSpaceCount && space % parallelism == subtask);
    }

    @Override
    public String toString() {
        return "spaces " + spaces.keySet() + " of " + spaceCount() + " (writes in " + homeSpace + ", subtask " + subtask
                + " of " + parallelism + ")";
    }
}
