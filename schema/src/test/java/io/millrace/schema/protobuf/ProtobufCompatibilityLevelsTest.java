package io.millrace.schema.protobuf;

import static io.millrace.schema.core.LevelTable.add;

import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.LevelTable;
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
        add(
                cases,
                List.of(v1),
                proto3("message Item { string sku = 1; int32 count = 2; string note = 3; }"),
                true,
                true,
                true,
                true,
                true,
                true,
                true);
        // an enum constant added: readers keep unknown numbers
        add(
                cases,
                List.of(proto3("enum Size { S = 0; }")),
                proto3("enum Size { S = 0; M = 1; }"),
                true,
                true,
                true,
                true,
                true,
                true,
                true);
        // a oneof member removed: new readers lose a case old writers set; old readers know every new case
        String oneOf = "message Pay { oneof by { string card = 1; string cash = 2; } }";
        add(
                cases,
                List.of(proto3(oneOf)),
                proto3(oneOf.replace(" string cash = 2;", "")),
                true,
                false,
                false,
                true,
                true,
                false,
                false);
        // int32 to int64 share the varint encoding
        add(
                cases,
                List.of(v1),
                proto3("message Item { string sku = 1; int64 count = 2; }"),
                true,
                true,
                true,
                true,
                true,
                true,
                true);
        // int32 to string changes the wire type
        add(
                cases,
                List.of(v1),
                proto3("message Item { string sku = 1; string count = 2; }"),
                true,
                false,
                false,
                false,
                false,
                false,
                false);
        // a required field added: new readers reject old data, old writers never set it
        add(
                cases,
                List.of("syntax = \"proto2\"; message Item { optional string sku = 1; }"),
                "syntax = \"proto2\"; message Item { optional string sku = 1; required int32 count = 2; }",
                true,
                false,
                false,
                false,
                false,
                false,
                false);
        // a message removed: the new schema lacks what old data needs; old readers do not mind
        add(
                cases,
                List.of(proto3("message Item { string sku = 1; }\nmessage Box { int32 size = 1; }")),
                proto3("message Item { string sku = 1; }"),
                true,
                false,
                false,
                true,
                true,
                false,
                false);
        // number 2 dropped, then reused with another wire type: fine against v2, not against v1
        add(
                cases,
                List.of(v1, proto3("message Item { string sku = 1; }")),
                proto3("message Item { string sku = 1; string count = 2; }"),
                true,
                true,
                false,
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
        LevelTable.check(PROVIDER, level, history, candidate, compatible);
    }
}
