package io.millrace.schema.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.SchemaReference;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Protobuf difference rules one by one: what each change is called and whether it is compatible. */
class ProtobufDiffTest {

    private static final ProtobufSchemaProvider PROVIDER = new ProtobufSchemaProvider();

    private static ParsedProtobufSchema parse(String text) {
        return (ParsedProtobufSchema) PROVIDER.parse(text, List.of(), r -> null);
    }

    private static List<String> changes(ParsedProtobufSchema original, ParsedProtobufSchema update) {
        return ProtobufDiff.compare(original.linked(), update.linked()).stream()
                .map(d -> d.change() + " " + d.path())
                .toList();
    }

    private static String p3(String body) {
        return "syntax = \"proto3\"; package p; " + body;
    }

    private static String p2(String body) {
        return "syntax = \"proto2\"; package p; " + body;
    }

    /** original, update, the differences found (change and path), compatible? */
    static Stream<Arguments> rules() {
        String a = "message A { int32 x = 1; }";
        return Stream.of(
                Arguments.of(p3(a), "syntax = \"proto3\"; package q; " + a, List.of("PACKAGE_CHANGED #/"), false),
                Arguments.of(p3(a), p3("message A { int32 x = 1; string y = 2; }"), List.of("FIELD_ADDED #/A/2"), true),
                Arguments.of(
                        p3("message A { int32 x = 1; string y = 2; }"), p3(a), List.of("FIELD_REMOVED #/A/2"), true),
                Arguments.of(p3(a), p3("message A { int32 renamed = 1; }"), List.of("FIELD_NAME_CHANGED #/A/1"), true),
                Arguments.of(p3(a), p3("message A { int64 x = 1; }"), List.of(), true),
                Arguments.of(
                        p3(a), p3("message A { sint32 x = 1; }"), List.of("FIELD_SCALAR_KIND_CHANGED #/A/1"), false),
                Arguments.of(p3("message A { string x = 1; }"), p3("message A { bytes x = 1; }"), List.of(), true),
                Arguments.of(
                        p3(a),
                        p3("message A { repeated int32 x = 1; }"),
                        List.of("FIELD_NUMERIC_LABEL_CHANGED #/A/1"),
                        false),
                Arguments.of(
                        p3("message A { string x = 1; }"),
                        p3("message A { repeated string x = 1; }"),
                        List.of("FIELD_STRING_OR_BYTES_LABEL_CHANGED #/A/1"),
                        true),
                Arguments.of(p3(a), p3("message A { optional int32 x = 1; }"), List.of(), true),
                Arguments.of(
                        p3(a + " message B { int32 v = 1; }"),
                        p3("message A { B x = 1; } message B { int32 v = 1; }"),
                        List.of("FIELD_KIND_CHANGED #/A/1"),
                        false),
                Arguments.of(
                        p3("message A { B x = 1; } message B {} message C {}"),
                        p3("message A { C x = 1; } message B {} message C {}"),
                        List.of("FIELD_NAMED_TYPE_CHANGED #/A/1"),
                        false),
                Arguments.of(
                        p3(a + " enum E { E0 = 0; }"),
                        p3("message A { E x = 1; } enum E { E0 = 0; }"),
                        List.of(),
                        true),
                Arguments.of(
                        p3("message A { map<string, int32> m = 1; }"),
                        p3("message A { map<string, string> m = 1; }"),
                        List.of("FIELD_SCALAR_KIND_CHANGED #/A/1"),
                        false),
                Arguments.of(
                        p2("message A { optional int32 x = 1; }"),
                        p2("message A { optional int32 x = 1; required string y = 2; }"),
                        List.of("REQUIRED_FIELD_ADDED #/A/2"),
                        false),
                Arguments.of(
                        p2("message A { optional int32 x = 1; required string y = 2; }"),
                        p2("message A { optional int32 x = 1; }"),
                        List.of("REQUIRED_FIELD_REMOVED #/A/2"),
                        false),
                Arguments.of(
                        p3(a),
                        p3("message A { int32 x = 1; oneof pick { string s = 2; int64 n = 3; } }"),
                        List.of("ONEOF_ADDED #/A/pick"),
                        true),
                Arguments.of(
                        p3(a),
                        p3("message A { oneof pick { int32 x = 1; string s = 2; } }"),
                        List.of("ONEOF_ADDED #/A/pick"),
                        true),
                Arguments.of(
                        p3("message A { int32 x = 1; string s = 2; }"),
                        p3("message A { oneof pick { int32 x = 1; string s = 2; } }"),
                        List.of("MULTIPLE_FIELDS_MOVED_TO_ONEOF #/A/pick", "ONEOF_ADDED #/A/pick"),
                        false),
                Arguments.of(
                        p3("message A { int32 x = 1; oneof pick { string s = 2; } }"),
                        p3("message A { oneof pick { string s = 2; int32 x = 1; } }"),
                        List.of("FIELD_MOVED_TO_EXISTING_ONEOF #/A/pick", "ONEOF_FIELD_ADDED #/A/pick/1"),
                        false),
                Arguments.of(
                        p3("message A { oneof pick { string s = 2; int64 n = 3; } }"),
                        p3("message A { oneof pick { string s = 2; } }"),
                        List.of("ONEOF_FIELD_REMOVED #/A/pick/3"),
                        false),
                Arguments.of(
                        p3("message A { oneof pick { string s = 2; } }"),
                        p3("message A { oneof pick { string s = 2; int64 n = 3; } }"),
                        List.of("ONEOF_FIELD_ADDED #/A/pick/3"),
                        true),
                Arguments.of(
                        p3("enum E { E0 = 0; E1 = 1; }"),
                        p3("enum E { E0 = 0; ONE = 1; E2 = 2; }"),
                        List.of("ENUM_CONST_CHANGED #/E/1", "ENUM_CONST_ADDED #/E/2"),
                        true),
                Arguments.of(p3(a + " message B {}"), p3(a), List.of("MESSAGE_REMOVED #/B"), false),
                Arguments.of(
                        p3(a),
                        p3("message A { int32 x = 1; message Inner { string s = 1; } }"),
                        List.of("MESSAGE_ADDED #/A/Inner"),
                        true),
                Arguments.of(p3(a + " enum E { E0 = 0; }"), p3(a), List.of("ENUM_REMOVED #/E"), true),
                // how a type is written does not matter, only what it resolves to
                Arguments.of(
                        p3("message A { B b = 1; message B { int32 v = 1; } }"),
                        p3("message A { .p.A.B b = 1; message B { int32 v = 1; } }"),
                        List.of(),
                        true),
                Arguments.of(
                        p3("message A { map<string, B> m = 1; message B {} }"),
                        p3("message A { map<string, A.B> m = 1; message B {} }"),
                        List.of(),
                        true),
                // a number moved to another field name and type is a rename plus a kind change
                Arguments.of(
                        p3("message A { int32 count = 1; }"),
                        p3("message A { string label = 1; }"),
                        List.of("FIELD_NAME_CHANGED #/A/1", "FIELD_SCALAR_KIND_CHANGED #/A/1"),
                        false),
                // renumbering is a removal and an addition
                Arguments.of(
                        p3("message A { string s = 1; }"),
                        p3("message A { string s = 2; }"),
                        List.of("FIELD_REMOVED #/A/1", "FIELD_ADDED #/A/2"),
                        true),
                // a message field may become repeated (length-delimited either way)
                Arguments.of(
                        p3("message A { B b = 1; } message B {}"),
                        p3("message A { repeated B b = 1; } message B {}"),
                        List.of(),
                        true),
                // an enum where a number was is a varint either way
                Arguments.of(p3("message A { E x = 1; } enum E { E0 = 0; }"), p3(a), List.of("ENUM_REMOVED #/E"), true),
                // a single field moved into a new oneof keeps its data
                Arguments.of(
                        p3("message A { int32 x = 1; string s = 2; }"),
                        p3("message A { int32 x = 1; oneof pick { string s = 2; } }"),
                        List.of("ONEOF_ADDED #/A/pick"),
                        true),
                // out of a oneof: Confluent sees the oneof go and a top-level field arrive
                Arguments.of(
                        p3("message A { oneof pick { string s = 2; } }"),
                        p3("message A { string s = 2; }"),
                        List.of("ONEOF_REMOVED #/A/pick", "FIELD_ADDED #/A/2"),
                        true),
                // an enum and a message of one name are different things
                Arguments.of(
                        p3("message A { int32 x = 1; } enum S { S0 = 0; }"),
                        p3("message A { int32 x = 1; } message S { int32 v = 1; }"),
                        List.of("ENUM_REMOVED #/S", "MESSAGE_ADDED #/S"),
                        true),
                Arguments.of(
                        p3("message A { repeated int32 x = 1; }"),
                        p3("message A { repeated int64 x = 1; }"),
                        List.of(),
                        true),
                Arguments.of(p3("message A { fixed32 x = 1; }"), p3("message A { sfixed32 x = 1; }"), List.of(), true),
                Arguments.of(
                        p3("message A { fixed32 x = 1; }"),
                        p3("message A { fixed64 x = 1; }"),
                        List.of("FIELD_SCALAR_KIND_CHANGED #/A/1"),
                        false),
                Arguments.of(
                        p3("message A { float x = 1; }"),
                        p3("message A { double x = 1; }"),
                        List.of("FIELD_SCALAR_KIND_CHANGED #/A/1"),
                        false));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("rules")
    void eachRuleNamesTheChangeAndJudgesIt(String original, String update, List<String> expected, boolean compatible) {
        assertJudged(parse(original), parse(update), expected, compatible);
    }

    private static void assertJudged(
            ParsedProtobufSchema original, ParsedProtobufSchema update, List<String> expected, boolean compatible) {
        assertThat(changes(original, update)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(update.backwardProblems(original, ParsedSchema.Roles.backward(1))
                        .isEmpty())
                .isEqualTo(compatible);
    }

    @Test
    void messagesAreConfluentsVerboseFormWithTheRolesNamed() {
        ParsedProtobufSchema old = parse(p3("message A { int32 x = 1; }"));
        ParsedProtobufSchema young = parse(p3("message A { string x = 1; }"));
        assertThat(young.backwardProblems(old, ParsedSchema.Roles.backward(1)))
                .containsExactly(
                        "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a scalar field at path '#/A/1' in the "
                                + "new schema does not match its kind in the old schema\"}");
    }

    @Test
    void recursiveMessagesTerminate() {
        String tree = p3("message Node { string value = 1; repeated Node children = 2; }");
        assertThat(changes(parse(tree), parse(tree))).isEmpty();
    }

    /** Referenced files by subject name (version 1 each); a schema imports them by "subject.proto". */
    private static ParsedProtobufSchema withImports(String text, Map<String, String> files) {
        List<SchemaReference> refs = files.keySet().stream()
                .map(s -> new SchemaReference(s + ".proto", s, 1))
                .toList();
        return (ParsedProtobufSchema) PROVIDER.parse(
                text,
                refs,
                r -> new RegisteredSchema(r.subject(), 1, 1, "PROTOBUF", files.get(r.subject()), List.of(), false));
    }

    /** original (its imports), update (its imports), the differences found, compatible? */
    static Stream<Arguments> importRules() {
        String device = "syntax = \"proto3\"; package hw.v1; message Device { int32 serial = 1; bool on = 2; }";
        String deviceV2 = device.replace("hw.v1", "hw.v2");
        String nested = "syntax = \"proto3\"; package hw.v1; message Kit { message Device { int32 serial = 1; } }";
        String useV1 = "syntax = \"proto3\"; import \"dev.proto\"; message Home { .hw.v1.Device d = 1; }";
        String useV2 = "syntax = \"proto3\"; import \"dev2.proto\"; message Home { .hw.v2.Device d = 1; }";
        String local = "syntax = \"proto3\"; message Home { Device d = 1; } message Device { int32 serial = 1; "
                + "bool on = 2; }";
        String useKit = "syntax = \"proto3\"; import \"kit.proto\"; message Home { hw.v1.Kit.Device d = 1; }";
        String useKit2 = "syntax = \"proto3\"; import \"kit2.proto\"; message Home { hw.v2.Kit.Device d = 1; }";
        return Stream.of(
                // the same message from another package and file: its local name and contents decide
                Arguments.of(useV1, Map.of("dev", device), useV2, Map.of("dev2", deviceV2), List.of(), true),
                Arguments.of(
                        useV1,
                        Map.of("dev", device),
                        useV2,
                        Map.of("dev2", deviceV2.replace("int32", "string")),
                        List.of("FIELD_SCALAR_KIND_CHANGED #/Device/1", "FIELD_NAMED_TYPE_CHANGED #/Home/1"),
                        false),
                Arguments.of(
                        useKit,
                        Map.of("kit", nested),
                        useKit2,
                        Map.of("kit2", nested.replace("hw.v1", "hw.v2").replace("int32", "sint32")),
                        List.of("FIELD_SCALAR_KIND_CHANGED #/Kit/Device/1", "FIELD_NAMED_TYPE_CHANGED #/Home/1"),
                        false),
                // a message moved out to an import is gone from this file; moved in from an import, it is added
                Arguments.of(
                        local,
                        Map.of(),
                        useV1.replace(".hw.v1.Device", "hw.v1.Device"),
                        Map.of("dev", device),
                        List.of("MESSAGE_REMOVED #/Device"),
                        false),
                Arguments.of(useV1, Map.of("dev", device), local, Map.of(), List.of("MESSAGE_ADDED #/Device"), true));
    }

    @ParameterizedTest(name = "{0} -> {2}: {4}")
    @MethodSource("importRules")
    void importedMessagesAreComparedByLocalNameAndContents(
            String original,
            Map<String, String> originalFiles,
            String update,
            Map<String, String> updateFiles,
            List<String> expected,
            boolean compatible) {
        assertJudged(withImports(original, originalFiles), withImports(update, updateFiles), expected, compatible);
    }

    @Test
    void incompatibleChangesInAnImportedMessageAreFound() {
        Map<Integer, RegisteredSchema> money = Map.of(
                1,
                        new RegisteredSchema(
                                "money",
                                1,
                                1,
                                "PROTOBUF",
                                "syntax = \"proto3\"; package m; message Money { " + "int64 cents = 1; }",
                                List.of(),
                                false),
                2,
                        new RegisteredSchema(
                                "money",
                                2,
                                2,
                                "PROTOBUF",
                                "syntax = \"proto3\"; package m; message Money { " + "string cents = 1; }",
                                List.of(),
                                false));
        String invoice = p3("import \"money.proto\"; message Invoice { m.Money total = 1; }");
        ParsedProtobufSchema v1 = (ParsedProtobufSchema) PROVIDER.parse(
                invoice, List.of(new SchemaReference("money.proto", "money", 1)), r -> money.get(r.version()));
        ParsedProtobufSchema v2 = (ParsedProtobufSchema) PROVIDER.parse(
                invoice, List.of(new SchemaReference("money.proto", "money", 2)), r -> money.get(r.version()));
        assertThat(changes(v1, v2))
                .containsExactlyInAnyOrder(
                        "FIELD_SCALAR_KIND_CHANGED #/Money/1", "FIELD_NAMED_TYPE_CHANGED #/Invoice/1");
        assertThat(changes(v1, v1)).isEmpty();
    }
}
