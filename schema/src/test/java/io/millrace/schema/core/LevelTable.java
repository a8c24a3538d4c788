package io.millrace.schema.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table every schema type's compatibility-level test is written as: each evolution (history,
 * candidate) names the levels that accept it, and is checked at every level through
 * {@link CompatibilityChecker}. A subclass gives its type's provider and evolutions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LevelTable {

    /**
     * @param history earlier versions, oldest first
     * @param acceptedBy the levels at which {@code candidate} is compatible; every other level rejects it
     */
    protected record Evolution(List<String> history, String candidate, Set<CompatibilityLevel> acceptedBy) {}

    protected static Evolution evolution(List<String> history, String candidate, CompatibilityLevel... acceptedBy) {
        return new Evolution(history, candidate, Set.of(acceptedBy));
    }

    protected abstract SchemaProvider provider();

    protected abstract List<Evolution> evolutions();

    /** level, history (oldest first), candidate, compatible? */
    protected Stream<Arguments> rows() {
        return evolutions().stream()
                .flatMap(e -> Arrays.stream(CompatibilityLevel.values())
                        .map(level -> Arguments.of(
                                level,
                                e.history(),
                                e.candidate(),
                                e.acceptedBy().contains(level))));
    }

    /** Compatible or not, and an incompatible answer in Confluent's verbose form. */
    @ParameterizedTest(name = "{0}: {1} -> {2} compatible={3}")
    @MethodSource("rows")
    protected void eachLevelAcceptsAndRejectsTheRightEvolutions(
            CompatibilityLevel level, List<String> history, String candidate, boolean compatible) {
        List<CompatibilityChecker.Previous> previous = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            previous.add(new CompatibilityChecker.Previous(
                    i + 1, provider().parse(history.get(i), List.of(), r -> null), history.get(i)));
        }
        List<String> problems =
                CompatibilityChecker.check(level, provider().parse(candidate, List.of(), r -> null), previous);
        assertThat(problems.isEmpty()).as("problems: %s", problems).isEqualTo(compatible);
        if (!compatible) {
            assertThat(problems)
                    .anyMatch(m -> m.startsWith("{errorType:"))
                    .contains("{compatibility: '" + level + "'}");
        }
    }
}
