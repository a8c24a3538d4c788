package io.millrace.schema.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.schema.core.CompatibilityChecker;
import io.millrace.schema.core.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every compatibility level against typical Protobuf evolutions, including a history where the
 * latest version accepts a change an older one does not (the transitive levels).
 */
class ProtobufCompatibilityLevelsTest {

    private static final ProtobufSchemaProvider PROVIDER = new ProtobufSchemaProvider();

    private static String proto3(String body) {
        return "syntax = \"proto3\";\npackage shop;\n" + body;
    }

    /** level, history (oldest first), candidate, compatible? */
    static Stream<Arguments> evolutions() {
        List<Arguments> cases = new ArrayList<>();
        String v1 = proto3("message Item { string sku = 1; int32 count = 2; }");
        // a new field: old readers skip it, new readers default it
        add(cases, List.of(v1), proto3("message Item { string sku = 1; int32 count = 2; string note = 3; }"),
            true, true, true, true, true, true, true);
        // int32 to int64 share the varint encoding
        add(cases, List.of(v1), proto3("message Item { string sku = 1; int64 count = 2; }"),
            true, true, true, true, true, true, true);
        // int32 to string changes the wire type
        add(cases, List.of(v1), proto3("message Item { string sku = 1; string count = 2; }"),
            true, false, false, false, false, false, false);
        // a required field added: new readers reject old data, old writers never set it
        add(cases, List.of("syntax = \"proto2\"; message Item { optional string sku = 1; }"),
            "syntax = \"proto2\"; message Item { optional string sku = 1; required int32 count = 2; }",
            true, false, false, false, false, false, false);
        // a message removed: the new schema lacks what old data needs; old readers do not mind
        add(cases, List.of(proto3("message Item { string sku = 1; }\nmessage Box { int32 size = 1; }")),
            proto3("message Item { string sku = 1; }"), true, false, false, true, true, false, false);
        // number 2 dropped, then reused with another wire type: fine against v2, not against v1
        add(cases, List.of(v1, proto3("message Item { string sku = 1; }")),
            proto3("message Item { string sku = 1; string count = 2; }"), true, true, false, true, false, true, false);
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
        List<CompatibilityChecker.Previous> previous = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            previous.add(new CompatibilityChecker.Previous(i + 1, PROVIDER.parse(history.get(i), List.of(), r -> null),
                history.get(i)));
        }
        List<String> problems = CompatibilityChecker.check(level, PROVIDER.parse(candidate, List.of(), r -> null),
            previous);
        assertThat(problems.isEmpty()).as("problems: %s", problems).isEqualTo(compatible);
        if (!compatible) {
            assertThat(problems).anyMatch(m -> m.startsWith("{errorType:\""))
                .contains("{compatibility: '" + level + "'}");
        }
    }
}
