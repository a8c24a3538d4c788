package io.millrace.schema.core;

import static io.millrace.schema.core.LevelTable.add;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
        add(
                cases,
                List.of(record(A), record(A, B_DEFAULT)),
                record(A, B_REQUIRED),
                true,
                true,
                false,
                true,
                true,
                true,
                false);
        // b gains a default, then is dropped: old v1 readers need b
        add(
                cases,
                List.of(record(A, B_REQUIRED), record(A, B_DEFAULT)),
                record(A),
                true,
                true,
                true,
                true,
                false,
                true,
                false);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} -> {2} compatible={3}")
    @MethodSource("evolutions")
    void eachLevelAcceptsAndRejectsTheRightEvolutions(
            CompatibilityLevel level, List<String> history, String candidate, boolean compatible) {
        LevelTable.check(new AvroSchemaProvider(), level, history, candidate, compatible);
    }
}
