package io.millrace.schema.protobuf;

import static io.millrace.schema.core.CompatibilityLevel.BACKWARD;
import static io.millrace.schema.core.CompatibilityLevel.FORWARD;
import static io.millrace.schema.core.CompatibilityLevel.FORWARD_TRANSITIVE;
import static io.millrace.schema.core.CompatibilityLevel.FULL;
import static io.millrace.schema.core.CompatibilityLevel.NONE;

import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.LevelTable;
import io.millrace.schema.core.SchemaProvider;
import java.util.List;

/**
 * Every compatibility level against typical Protobuf evolutions, including a history where the
 * latest version accepts a change an older one does not (the transitive levels).
 */
class ProtobufCompatibilityLevelsTest extends LevelTable {

    private static String proto3(String body) {
        return "syntax = \"proto3\";\npackage shop;\n" + body;
    }

    @Override
    protected SchemaProvider provider() {
        return new ProtobufSchemaProvider();
    }

    @Override
    protected List<Evolution> evolutions() {
        String v1 = proto3("message Item { string sku = 1; int32 count = 2; }");
        String oneOf = "message Pay { oneof by { string card = 1; string cash = 2; } }";
        return List.of(
                // a new field: old readers skip it, new readers default it
                evolution(
                        List.of(v1),
                        proto3("message Item { string sku = 1; int32 count = 2; string note = 3; }"),
                        CompatibilityLevel.values()),
                // an enum constant added: readers keep unknown numbers
                evolution(
                        List.of(proto3("enum Size { S = 0; }")),
                        proto3("enum Size { S = 0; M = 1; }"),
                        CompatibilityLevel.values()),
                // a oneof member removed: new readers lose a case old writers set; old readers know every new case
                evolution(
                        List.of(proto3(oneOf)),
                        proto3(oneOf.replace(" string cash = 2;", "")),
                        NONE,
                        FORWARD,
                        FORWARD_TRANSITIVE),
                // int32 to int64 share the varint encoding
                evolution(
                        List.of(v1),
                        proto3("message Item { string sku = 1; int64 count = 2; }"),
                        CompatibilityLevel.values()),
                // int32 to string changes the wire type
                evolution(List.of(v1), proto3("message Item { string sku = 1; string count = 2; }"), NONE),
                // a required field added: new readers reject old data, old writers never set it
                evolution(
                        List.of("syntax = \"proto2\"; message Item { optional string sku = 1; }"),
                        "syntax = \"proto2\"; message Item { optional string sku = 1; required int32 count = 2; }",
                        NONE),
                // a message removed: the new schema lacks what old data needs; old readers do not mind
                evolution(
                        List.of(proto3("message Item { string sku = 1; }\nmessage Box { int32 size = 1; }")),
                        proto3("message Item { string sku = 1; }"),
                        NONE,
                        FORWARD,
                        FORWARD_TRANSITIVE),
                // number 2 dropped, then reused with another wire type: fine against v2, not against v1
                evolution(
                        List.of(v1, proto3("message Item { string sku = 1; }")),
                        proto3("message Item { string sku = 1; string count = 2; }"),
                        NONE,
                        BACKWARD,
                        FORWARD,
                        FULL));
    }
}
