package io.millrace.schema.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AvroSchemasTest {

    @Test
    void canonicalFormIgnoresWhitespace() {
        String a = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
        String b = "{ \"type\" : \"record\" ,\n \"name\":\"R\", \"fields\" : [ {\"name\":\"x\", \"type\":\"int\"} ] }";
        assertThat(AvroSchemas.parse(b, List.of(), r -> null).canonical())
                .isEqualTo(AvroSchemas.parse(a, List.of(), r -> null).canonical());
    }

    @Test
    void normalizationWritesFullNamesEverywhere() {
        String namespaced = "{\"type\":\"record\",\"name\":\"Pt\",\"namespace\":\"geo\",\"fields\":["
                + "{\"name\":\"p\",\"type\":{\"type\":\"enum\",\"name\":\"Kind\",\"symbols\":[\"A\"]}},"
                + "{\"name\":\"q\",\"type\":\"Kind\"}]}";
        String qualified = "{\"type\":\"record\",\"name\":\"geo.Pt\",\"fields\":["
                + "{\"name\":\"p\",\"type\":{\"type\":\"enum\",\"name\":\"geo.Kind\",\"symbols\":[\"A\"]}},"
                + "{\"name\":\"q\",\"type\":\"geo.Kind\"}]}";
        String n1 = AvroSchemas.normalize(
                AvroSchemas.parse(namespaced, List.of(), r -> null).canonical());
        String n2 = AvroSchemas.normalize(
                AvroSchemas.parse(qualified, List.of(), r -> null).canonical());
        assertThat(n1).isEqualTo(n2).contains("\"geo.Kind\"").doesNotContain("namespace");
        assertThat(AvroSchemas.parse(n1, List.of(), r -> null).schema().getFullName())
                .isEqualTo("geo.Pt");
    }

    @Test
    void referencesAreParsedFirstAndNotInlined() {
        RegisteredSchema money = new RegisteredSchema(
                "money",
                1,
                1,
                "AVRO",
                "{\"type\":\"fixed\",\"name\":\"Money\",\"namespace\":\"m\",\"size\":8}",
                List.of(),
                false);
        List<SchemaReference> refs = List.of(new SchemaReference("m.Money", "money", 1));
        AvroSchemas.Parsed parsed = AvroSchemas.parse(
                "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[" + "{\"name\":\"total\",\"type\":\"m.Money\"}]}",
                refs,
                r -> r.subject().equals("money") ? money : null);
        assertThat(parsed.canonical()).contains("\"m.Money\"").doesNotContain("\"size\"");
        assertThat(parsed.schema().getField("total").schema().getFixedSize()).isEqualTo(8);
    }

    @Test
    void badSchemasAndMissingReferencesAre42201() {
        for (String bad : new String[] {
            "",
            "{",
            "{\"type\":\"nope\"}",
            "[\"int\",\"int\"]",
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"x\",\"type\":\"int\",\"default\":\"s\"}]}",
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"x\",\"type\":\"Missing\"}]}"
        }) {
            assertThatThrownBy(() -> AvroSchemas.parse(bad, List.of(), r -> null))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(42201));
        }
        assertThatThrownBy(() -> AvroSchemas.parse("\"int\"", List.of(new SchemaReference("x", "gone", 1)), r -> null))
                .hasMessageContaining("gone");
        RegisteredSchema json = new RegisteredSchema("j", 1, 9, "JSON", "{}", List.of(), false);
        assertThatThrownBy(() -> AvroSchemas.parse("\"int\"", List.of(new SchemaReference("x", "j", 1)), r -> json))
                .as("a reference to another type")
                .hasMessageContaining("JSON");
    }
}
