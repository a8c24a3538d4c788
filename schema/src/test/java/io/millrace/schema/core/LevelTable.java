package io.millrace.schema.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The table every schema type's compatibility-level test is written as: one row per evolution
 * (history, candidate) and level, and the check of one row through {@link CompatibilityChecker}.
 */
public final class LevelTable {

    private static final CompatibilityLevel[] LEVELS = {
        CompatibilityLevel.NONE,
        CompatibilityLevel.BACKWARD,
        CompatibilityLevel.BACKWARD_TRANSITIVE,
        CompatibilityLevel.FORWARD,
        CompatibilityLevel.FORWARD_TRANSITIVE,
        CompatibilityLevel.FULL,
        CompatibilityLevel.FULL_TRANSITIVE
    };

    private LevelTable() {}

    /**
     * Adds the rows {@code (level, history, candidate, compatible)} of one evolution.
     *
     * @param history earlier versions, oldest first
     * @param expected outcomes in the order NONE, BACKWARD, BACKWARD_T, FORWARD, FORWARD_T, FULL, FULL_T
     */
    public static void add(List<Arguments> cases, List<String> history, String candidate, boolean... expected) {
        assertThat(expected).as("one outcome per level").hasSize(LEVELS.length);
        for (int i = 0; i < LEVELS.length; i++) {
            cases.add(Arguments.of(LEVELS[i], history, candidate, expected[i]));
        }
    }

    /** Checks one row: compatible or not, and an incompatible answer in Confluent's verbose form. */
    public static void check(
            SchemaProvider provider,
            CompatibilityLevel level,
            List<String> history,
            String candidate,
            boolean compatible) {
        List<CompatibilityChecker.Previous> previous = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            previous.add(new CompatibilityChecker.Previous(
                    i + 1, provider.parse(history.get(i), List.of(), r -> null), history.get(i)));
        }
        List<String> problems =
                CompatibilityChecker.check(level, provider.parse(candidate, List.of(), r -> null), previous);
        assertThat(problems.isEmpty()).as("problems: %s", problems).isEqualTo(compatible);
        if (!compatible) {
            assertThat(problems)
                    .anyMatch(m -> m.startsWith("{errorType:"))
                    .contains("{compatibility: '" + level + "'}");
        }
    }
}
