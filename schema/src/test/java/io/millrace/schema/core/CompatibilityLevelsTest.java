package io.millrace.schema.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every compatibility level against the classic Avro evolutions, including histories where the
 * latest version accepts a change that an older one does not (the transitive levels).
 */
class CompatibilityLevelsTest {

    private static final String A = "{\"name\":\"a\",\"type\":\"string\"}";
    private static final String A_INT = "{\"name\":\"a\",\"type\":\"int\"}";
    private static final String B_REQUIRED = "{\"name\":\"b\",\"type\":\"int\"}";
    private static final String B_DEFAULT = "{\"name\":\"b\",\"type\":\"int\",\"default\":1}";

    private static String record(String... fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + String.join(",", fields) + "]}";
    }

    /** level, history (oldest first), candidate, compatible? */
    static Stream<Arguments> evolutions() {
        List<Arguments> cases = new ArrayList<>();
        List<String> one = List.of(record(A));
        // adding an optional field: readable both ways
        add(cases, one, record(A, B_DEFAULT), true, true, true, true, true, true, true);
        // adding a required field: the new reader has no value for old data
        add(cases, one, record(A, B_REQUIRED), true, false, false, true, true, false, false);
        // removing a required field: old readers miss it in new data
        add(cases, List.of(record(A, B_REQUIRED)), record(A), true, true, true, false, false, false, false);
        // changing a field's type
        add(cases, one, record(A_INT), true, false, false, false, false, false, false);
        // b gets a default, then loses it: fine against the latest, not against the first version
        add(cases, List.of(record(A), record(A, B_DEFAULT)), record(A, B_REQUIRED),
            true, true, false, true, true, true, false);
        // b gains a default, then is dropped: old v1 readers need b
        add(cases, List.of(record(A, B_REQUIRED), record(A, B_DEFAULT)), record(A),
            true, true, true, true, false, true, false);
        return cases.stream();
    }

    /** Expected outcomes in the order NONE, BACKWARD, BACKWARD_T, FORWARD, FORWARD_T, FULL, FULL_T. */
    private static void add(List<Arguments> cases, List<String> history, String candidate, boolean... expected) {
        CompatibilityLevel[] levels = {CompatibilityLevel.NONE, CompatibilityLevel.BACKWARD,
            CompatibilityLevel.BACKWARD_TRANSITIVE, CompatibilityLevel.FORWARD, CompatibilityLevel.FORWARD_TRANSITIVE,
            CompatibilityLevel.FULL, CompatibilityLevel.FULL_TRANSITIVE};
        for (int i = 0; i < levels.length; i++) {
            cases.add(Arguments.of(levels[i], history, candidate, expected[i]));
        }
    }

    @ParameterizedTest(name = "{0}: {1} -> {2} compatible={3}")
    @MethodSource("evolutions")
    void eachLevelAcceptsAndRejectsTheRightEvolutions(CompatibilityLevel level, List<String> history,
                                                     String candidate, boolean compatible) {
        List<AvroCompatibility.Previous> previous = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            previous.add(new AvroCompatibility.Previous(i + 1, new Schema.Parser().parse(history.get(i)),
                history.get(i)));
        }
        List<String> problems = AvroCompatibility.check(level, new Schema.Parser().parse(candidate), previous);
        assertThat(problems.isEmpty()).as("problems: %s", problems).isEqualTo(compatible);
        if (!compatible) {
            assertThat(problems).anyMatch(m -> m.startsWith("{errorType:"))
                .contains("{compatibility: '" + level + "'}");
        }
    }
}
