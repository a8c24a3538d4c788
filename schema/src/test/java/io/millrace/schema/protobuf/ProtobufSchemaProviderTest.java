package io.millrace.schema.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.RegistryException;
import io.millrace.schema.core.SchemaAssertions;
import io.millrace.schema.core.SchemaReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProtobufSchemaProviderTest {

    private static final String ORDER = """
        syntax = "proto3";
        package acme.orders;

        import "google/protobuf/timestamp.proto";

        // An order as the shop writes it.
        message Order {
          int64 id = 1;
          repeated Line lines = 2;
          google.protobuf.Timestamp placed = 3;
          map<string, string> tags = 4;
          oneof payment {
            string card = 5;
            string voucher = 6;
          }
          message Line {
            string sku = 1;
            uint32 quantity = 2;
          }
        }

        enum Status {
          STATUS_UNKNOWN = 0;
          STATUS_OPEN = 1;
        }
        """;

    private final ProtobufSchemaProvider provider = new ProtobufSchemaProvider();

    private ParsedSchema parse(String text) {
        return provider.parse(text, List.of(), r -> null);
    }

    /** Invalid, and the message never names the registry's internal file name for the schema. */
    private static void assertInvalid(Runnable parse, String... mentions) {
        assertThat(SchemaAssertions.assertInvalid(parse, mentions).getMessage())
                .doesNotContain(ProtobufSchemaProvider.ROOT_PATH);
    }

    @Test
    void proto3WithNestedTypesMapsOneofsAndWellKnownTypesParses() {
        ParsedSchema parsed = parse(ORDER);
        assertThat(parsed.schemaType()).isEqualTo("PROTOBUF");
        assertThat(parsed.canonical())
                .startsWith("syntax = \"proto3\";")
                .contains("package acme.orders;")
                .contains("message Order")
                .contains("oneof payment")
                .doesNotContain("formatted by Wire");
        assertThat(parse(ORDER.replace("\n\n", "\n").replace("  ", "    ")).canonical())
                .as("layout does not matter")
                .isEqualTo(parsed.canonical());
    }

    @Test
    void customOptionsDeclaredOnDescriptorProtoAndEveryBundledWellKnownTypeResolve() {
        ParsedSchema parsed = parse("""
            syntax = "proto3";
            import "google/protobuf/descriptor.proto";
            extend google.protobuf.FieldOptions { string label = 50000; }
            message A { string s = 1 [(label) = "sku"]; }
            """);
        assertThat(parsed.canonical()).contains("(label) = \"sku\"");
        for (String type : new String[] {
            "any:Any",
            "duration:Duration",
            "empty:Empty",
            "field_mask:FieldMask",
            "struct:Struct",
            "timestamp:Timestamp",
            "wrappers:StringValue"
        }) {
            String[] fileAndType = type.split(":");
            assertThat(parse("syntax = \"proto3\"; import \"google/protobuf/" + fileAndType[0] + ".proto\"; "
                                    + "message A { google.protobuf." + fileAndType[1] + " v = 1; }")
                            .canonical())
                    .contains("google.protobuf." + fileAndType[1]);
        }
        assertInvalid(
                () -> parse("syntax = \"proto3\"; import \"google/protobuf/../../x.proto\"; message A {}"),
                "neither a reference");
    }

    @Test
    void proto2WithRequiredFieldsAndDefaultsParses() {
        ParsedSchema parsed = parse("""
            syntax = "proto2";
            message Legacy {
              required string name = 1;
              optional int32 count = 2 [default = 7];
              repeated bytes blobs = 3;
            }
            """);
        assertThat(parsed.canonical()).contains("required string name = 1;").contains("default = 7");
    }

    @Test
    void malformedAndInvalidSchemasAre42201WithTheReason() {
        assertInvalid(() -> parse(" "), "empty");
        assertInvalid(() -> parse("syntax = \"proto3\"; message A { int32 x = 1 "), "Invalid Protobuf schema");
        assertInvalid(() -> parse("message A { strin x = 1; }"), "strin");
        assertInvalid(() -> parse("syntax = \"proto3\"; message A { int32 x = 1; int32 y = 1; }"), "1");
        assertInvalid(() -> parse("syntax = \"proto3\"; message A { int32 x = 1; string x = 2; }"), "x");
        assertInvalid(() -> parse("syntax = \"proto3\"; message A { reserved 2; int32 x = 2; }"), "reserved");
        assertInvalid(() -> parse("syntax = \"proto3\"; message A { required int32 x = 1; }"), "required");
        assertInvalid(
                () -> parse("syntax = \"proto3\"; import \"money.proto\"; message A { Money m = 1; }"),
                "money.proto",
                "reference");
        assertInvalid(() -> parse("syntax = \"proto9\";"), "proto9");
        assertInvalid(() -> parse("syntax = \"proto3\";\nmessage A { int32 x = 1 }"), "Syntax error in schema:2:26");
        assertInvalid(() -> parse("syntax = \"proto3\"; enum E { E1 = 1; }"), "zero value");
        assertInvalid(() -> parse("syntax = \"proto3\"; message A { int32 x = 1 [default = 3]; }"), "default");
        assertInvalid(() -> parse("syntax = \"proto3\"; message A { int32 x = 19000; }"), "19000");
        assertInvalid(() -> parse("syntax = \"proto3\"; message A { map<float, string> m = 1; }"), "map key");
    }

    @Test
    void deeplyNestedFilesAre42201NotAStackOverflow() {
        String deep = "syntax = \"proto3\"; " + "message M { ".repeat(5000) + "}".repeat(5000);
        assertInvalid(() -> parse(deep), "nest 5000 levels", "100");
        String withStrings =
                "syntax = \"proto3\"; // {{{{\n/* [[[[ */ message A { string s = 1 " + "[json_name = \"{{\"]; }";
        assertThat(ProtobufSchemaProvider.nesting(withStrings))
                .as("strings and comments do not count")
                .isEqualTo(2);
        assertThat(parse("syntax = \"proto3\"; " + "message M { ".repeat(50) + "}".repeat(50))
                        .canonical())
                .contains("message M");
    }

    @Test
    void aChainOfImportedTypesTooLongToFollowIs42201NotAStackOverflow() throws Exception {
        StringBuilder chain = new StringBuilder("syntax = \"proto3\"; package c;");
        for (int i = 0; i < 3000; i++) {
            chain.append(" message M").append(i).append(" { M").append(i + 1).append(" next = 1; }");
        }
        chain.append(" message M3000 { int32 end = 1; }");
        RegisteredSchema file = new RegisteredSchema("chain", 1, 1, "PROTOBUF", chain.toString(), List.of(), false);
        String user = "syntax = \"proto3\"; import \"chain.proto\"; message U { c.M0 head = 1; }";
        List<SchemaReference> refs = List.of(new SchemaReference("chain.proto", "chain", 1));
        ParsedSchema one = provider.parse(user, refs, r -> file);
        ParsedSchema two = provider.parse(user, refs, r -> file);
        // a small stack (a request thread's is larger, a longer chain would do the same) makes the overflow certain
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread check = new Thread(
                null,
                () -> {
                    try {
                        two.backwardProblems(one, ParsedSchema.Roles.backward(1));
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                },
                "small-stack-check",
                256 * 1024);
        check.start();
        check.join();
        assertThat(thrown.get()).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(42201);
            assertThat(e.getMessage()).contains("more levels than a compatibility check can follow");
        });
    }

    @Test
    void importsResolveToReferencedSubjects() {
        RegisteredSchema money = new RegisteredSchema(
                "money",
                1,
                3,
                "PROTOBUF",
                "syntax = \"proto3\"; package acme.money; message Money { int64 cents = 1; string currency = 2; }",
                List.of(),
                false);
        String invoice = "syntax = \"proto3\"; package acme.billing; import \"money.proto\";"
                + " message Invoice { acme.money.Money total = 1; }";
        List<SchemaReference> refs = List.of(new SchemaReference("money.proto", "money", 1));
        ParsedSchema parsed =
                provider.parse(invoice, refs, r -> Map.of("money", money).get(r.subject()));
        assertThat(parsed.references()).isEqualTo(refs);
        assertThat(parsed.canonical()).contains("import \"money.proto\";").doesNotContain("cents");
        assertInvalid(
                () -> provider.parse(invoice, List.of(new SchemaReference("money.proto", "money", 9)), r -> null),
                "does not exist");
        RegisteredSchema json = new RegisteredSchema("j", 1, 4, "JSON", "{}", List.of(), false);
        assertInvalid(() -> provider.parse(invoice, refs, r -> json), "JSON");
        assertInvalid(() -> provider.parse(invoice.replace("Money total", "Cash total"), refs, r -> money), "Cash");
        assertThatThrownBy(() -> provider.parse(
                        invoice,
                        List.of(new SchemaReference(ProtobufSchemaProvider.ROOT_PATH, "money", 1)),
                        r -> money))
                .hasMessageContaining("reserved by the registry");
    }

    @Test
    void normalizationQualifiesTypesAndSortsFieldsAndOptions() {
        String one = """
            syntax = "proto3";
            package p;
            option java_package = "com.p";
            option java_multiple_files = true;
            message A { B b = 2; int32 x = 1 [deprecated = true, json_name = "xx"]; }
            message B { string s = 1; }
            """;
        String two = """
            syntax = "proto3";
            package p;
            option java_multiple_files = true;
            option java_package = "com.p";
            message A { int32 x = 1 [json_name = "xx", deprecated = true]; .p.B b = 2; }
            message B { string s = 1; }
            """;
        assertThat(parse(one).canonical()).isNotEqualTo(parse(two).canonical());
        ParsedSchema normalized = parse(one).normalize();
        assertThat(normalized.canonical())
                .isEqualTo(parse(two).normalize().canonical())
                .contains(".p.B b = 2;");
        assertThat(parse(normalized.canonical()).canonical())
                .as("the normalized text parses to itself")
                .isEqualTo(normalized.canonical());
    }

    @Test
    void randomlyDamagedSchemasAreEitherValidOr42201() {
        SchemaAssertions.eachIsValidOr42201(provider, ORDER, "{};=\" 0123456789abcdefgmnoprstuvwxyz.<>,[]", 7, 200);
    }
}
