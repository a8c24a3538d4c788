package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpaceOwnershipTest {

    private static final String PREFIX = "job";
    /** Spaces beyond any parallelism used here, where lingering transactions of lost attempts may sit. */
    private static final int SPACES_CHECKED = 64;

    @Test
    void everySpaceHasExactlyOneOwnerAcrossAChainOfRescales() {
        List<List<MillraceWriterState>> checkpoint = null;
        for (int parallelism : new int[] {1, 3, 2, 5, 5, 1, 4, 8, 3, 3, 6}) {
            List<SpaceOwnership> writers = restore(checkpoint, parallelism);

            List<Integer> homes =
                    writers.stream().map(SpaceOwnership::homeSpace).toList();
            assertThat(homes).as("home spaces at parallelism " + parallelism).doesNotHaveDuplicates();
            for (int space = 0; space < SPACES_CHECKED; space++) {
                int claimed = space;
                assertThat(writers.stream().filter(w -> w.claims(claimed)).count())
                        .as("owners of space " + space + " at parallelism " + parallelism)
                        .isEqualTo(1);
            }
            writers.forEach(w -> assertThat(w.claims(w.homeSpace())).isTrue());
            checkpoint = snapshot(writers);
        }
    }

    @Test
    void aWriterOwnsTheSpacesOfItsStatesAndWritesInTheLowest() {
        MillraceCommittable pending = new MillraceCommittable("job-4-2", 9, (short) 3);
        SpaceOwnership ownership =
                SpaceOwnership.of(PREFIX, 1, 3, List.of(state(4, 6, List.of(pending)), state(2, 6, List.of())));

        assertThat(ownership.homeSpace()).isEqualTo(2);
        assertThat(ownership.spaces()).containsExactly(2, 4);
        assertThat(ownership.recoveredPending(4)).containsExactly(pending);
        assertThat(ownership.recoveredPending()).containsExactly(pending);
        assertThat(ownership.spaceCount()).isEqualTo(6);
        assertThat(ownership.claims(1)).as("space 1 has a state elsewhere").isFalse();
        assertThat(ownership.claims(7)).as("beyond the states: 7 % 3 == 1").isTrue();
    }

    @Test
    void aFreshWriterOwnsItsIndexAndEverySpaceCongruentToIt() {
        SpaceOwnership ownership = SpaceOwnership.of(PREFIX, 2, 4, List.of());

        assertThat(ownership.homeSpace()).isEqualTo(2);
        assertThat(ownership.spaces()).containsExactly(2);
        assertThat(ownership.spaceCount()).isEqualTo(4);
        assertThat(ownership.claims(2)).isTrue();
        assertThat(ownership.claims(6)).isTrue();
        assertThat(ownership.claims(3)).isFalse();
    }

    @Test
    void aChangedPrefixKeepsTheSpacesAndCleansUpUnderBothPrefixes() {
        SpaceOwnership ownership =
                SpaceOwnership.of("new", 0, 1, List.of(new MillraceWriterState("old", 0, 1, List.of())));

        assertThat(ownership.prefixes()).containsExactly("new", "old");
        assertThat(ownership.homeSpace()).isZero();
    }

    @Test
    void statesFromDifferentCheckpointsAreRefused() {
        assertThatThrownBy(() ->
                        SpaceOwnership.of(PREFIX, 0, 2, List.of(state(0, 2, List.of()), state(1, 3, List.of()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one checkpoint");
        assertThatThrownBy(() ->
                        SpaceOwnership.of(PREFIX, 0, 2, List.of(state(0, 2, List.of()), state(0, 2, List.of()))))
                .isInstanceOf(IllegalStateException.class);
    }

    /** The ownership of each writer of a job restored from {@code checkpoint} (null: a fresh start). */
    private static List<SpaceOwnership> restore(List<List<MillraceWriterState>> checkpoint, int parallelism) {
        List<List<MillraceWriterState>> assigned =
                checkpoint == null ? emptyAssignment(parallelism) : redistribute(checkpoint, parallelism);
        List<SpaceOwnership> writers = new ArrayList<>();
        for (int subtask = 0; subtask < parallelism; subtask++) {
            writers.add(SpaceOwnership.of(PREFIX, subtask, parallelism, assigned.get(subtask)));
        }
        return writers;
    }

    /** What each writer checkpoints: a state per owned space. */
    private static List<List<MillraceWriterState>> snapshot(List<SpaceOwnership> writers) {
        List<List<MillraceWriterState>> states = new ArrayList<>();
        for (SpaceOwnership writer : writers) {
            states.add(writer.spaces().stream()
                    .map(space -> state(space, writer.spaceCount(), List.of()))
                    .toList());
        }
        return states;
    }

    /**
     * Flink's split redistribution of operator list state (RoundRobinOperatorStateRepartitioner):
     * the same parallelism keeps each subtask's states; another one concatenates them in subtask order
     * and deals out consecutive runs, the first {@code total % parallelism} subtasks one more.
     */
    private static List<List<MillraceWriterState>> redistribute(
            List<List<MillraceWriterState>> previous, int parallelism) {
        if (previous.size() == parallelism) {
            return previous;
        }
        List<MillraceWriterState> all = previous.stream().flatMap(List::stream).toList();
        List<List<MillraceWriterState>> assigned = emptyAssignment(parallelism);
        int base = all.size() / parallelism;
        int remainder = all.size() % parallelism;
        int next = 0;
        for (int subtask = 0; subtask < parallelism; subtask++) {
            int count = base + (subtask < remainder ? 1 : 0);
            assigned.get(subtask).addAll(all.subList(next, next + count));
            next += count;
        }
        return assigned;
    }

    private static List<List<MillraceWriterState>> emptyAssignment(int parallelism) {
        List<List<MillraceWriterState>> assigned = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            assigned.add(new ArrayList<>());
        }
        return assigned;
    }

    private static MillraceWriterState state(int space, int spaceCount, List<MillraceCommittable> pending) {
        return new MillraceWriterState(PREFIX, space, spaceCount, pending);
    }
}
