package io.millrace.schema.json;

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

/** The JSON Schema difference rules one by one: what each change is called and whether it is backward compatible. */
class JsonSchemaDiffTest {

    private static final JsonSchemaProvider PROVIDER = new JsonSchemaProvider();

    private static ParsedJsonSchema parse(String text) {
        return (ParsedJsonSchema) PROVIDER.parse(text, List.of(), r -> null);
    }

    private static List<String> changes(ParsedJsonSchema original, ParsedJsonSchema update) {
        return JsonSchemaDiff.compare(original.docs(), update.docs()).stream()
                .map(d -> d.change() + " " + d.path())
                .toList();
    }

    private static String prop(String name, String schema) {
        return "{\"type\":\"object\",\"properties\":{\"" + name + "\":" + schema + "}}";
    }

    private static String closed(String properties, String extra) {
        return "{\"type\":\"object\",\"properties\":{" + properties + "},\"additionalProperties\":false" + extra + "}";
    }

    /** original, update, the differences found (change and path), backward compatible? */
    static Stream<Arguments> rules() {
        String a = "\"a\":{\"type\":\"string\"}";
        String b = "\"b\":{\"type\":\"integer\"}";
        return Stream.of(
                // types
                Arguments.of("{\"type\":\"integer\"}", "{\"type\":\"number\"}", List.of("TYPE_EXTENDED #/"), true),
                Arguments.of("{\"type\":\"number\"}", "{\"type\":\"integer\"}", List.of("TYPE_NARROWED #/"), false),
                Arguments.of("{\"type\":\"string\"}", "{\"type\":\"boolean\"}", List.of("TYPE_CHANGED #/"), false),
                Arguments.of(
                        "{\"type\":\"string\"}",
                        "{\"type\":[\"string\",\"null\"]}",
                        List.of("SUM_TYPE_EXTENDED #/"),
                        true),
                Arguments.of(
                        "{\"type\":[\"string\",\"null\"]}", "{\"type\":\"string\"}", List.of("TYPE_CHANGED #/"), false),
                Arguments.of(
                        "{\"type\":\"string\"}",
                        "{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}",
                        List.of("SUM_TYPE_EXTENDED #/"),
                        true),
                Arguments.of("{\"type\":\"string\"}", "{}", List.of(), true),
                Arguments.of("{}", "{\"type\":\"string\"}", List.of("TYPE_CHANGED #/"), false),
                // strings
                Arguments.of(
                        "{\"type\":\"string\",\"maxLength\":5}",
                        "{\"type\":\"string\",\"maxLength\":10}",
                        List.of("MAX_LENGTH_INCREASED #/maxLength"),
                        true),
                Arguments.of(
                        "{\"type\":\"string\",\"minLength\":1}",
                        "{\"type\":\"string\",\"minLength\":3}",
                        List.of("MIN_LENGTH_INCREASED #/minLength"),
                        false),
                Arguments.of(
                        "{\"type\":\"string\"}",
                        "{\"type\":\"string\",\"pattern\":\"^a\"}",
                        List.of("PATTERN_ADDED #/pattern"),
                        false),
                Arguments.of(
                        "{\"type\":\"string\",\"pattern\":\"^a\"}",
                        "{\"type\":\"string\"}",
                        List.of("PATTERN_REMOVED #/pattern"),
                        true),
                // numbers
                Arguments.of(
                        "{\"type\":\"number\",\"minimum\":0}",
                        "{\"type\":\"number\",\"minimum\":-5}",
                        List.of("MINIMUM_DECREASED #/minimum"),
                        true),
                Arguments.of(
                        "{\"type\":\"number\",\"maximum\":10}",
                        "{\"type\":\"number\",\"maximum\":5}",
                        List.of("MAXIMUM_DECREASED #/maximum"),
                        false),
                Arguments.of(
                        "{\"type\":\"number\"}",
                        "{\"type\":\"number\",\"exclusiveMinimum\":0}",
                        List.of("EXCLUSIVE_MINIMUM_ADDED #/exclusiveMinimum"),
                        false),
                Arguments.of(
                        "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"number\",\"minimum\":0,"
                                + "\"exclusiveMinimum\":true}",
                        "{\"type\":\"number\",\"exclusiveMinimum\":0}",
                        List.of(),
                        true),
                Arguments.of(
                        "{\"type\":\"integer\",\"multipleOf\":2}",
                        "{\"type\":\"integer\",\"multipleOf\":4}",
                        List.of("MULTIPLE_OF_EXPANDED #/multipleOf"),
                        false),
                Arguments.of(
                        "{\"type\":\"number\",\"multipleOf\":0.5}",
                        "{\"type\":\"number\",\"multipleOf\":0.25}",
                        List.of("MULTIPLE_OF_REDUCED #/multipleOf"),
                        true),
                // enums and const
                Arguments.of(
                        "{\"enum\":[\"a\",\"b\"]}",
                        "{\"enum\":[\"b\",\"a\",\"c\"]}",
                        List.of("ENUM_ARRAY_EXTENDED #/enum"),
                        true),
                Arguments.of(
                        "{\"enum\":[\"a\",\"b\"]}", "{\"enum\":[\"a\"]}", List.of("ENUM_ARRAY_NARROWED #/enum"), false),
                Arguments.of(
                        "{\"enum\":[\"a\",\"b\"]}",
                        "{\"enum\":[\"a\",\"x\"]}",
                        List.of("ENUM_ARRAY_CHANGED #/enum"),
                        false),
                Arguments.of("{\"const\":1}", "{\"const\":2}", List.of("ENUM_ARRAY_CHANGED #/const"), false),
                // objects: open, closed and partially open content models
                Arguments.of(
                        prop("a", "{\"type\":\"string\"}"),
                        "{\"type\":\"object\",\"properties\":{" + a + "," + b + "}}",
                        List.of("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b"),
                        false),
                Arguments.of(
                        prop("a", "{\"type\":\"string\"}"),
                        "{\"type\":\"object\",\"properties\":{" + a + ",\"b\":{}}}",
                        List.of("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b"),
                        true),
                Arguments.of(
                        "{\"type\":\"object\",\"properties\":{" + a + "," + b + "}}",
                        prop("a", "{\"type\":\"string\"}"),
                        List.of("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/b"),
                        true),
                Arguments.of(
                        closed(a, ""),
                        closed(a + "," + b, ""),
                        List.of("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"),
                        true),
                Arguments.of(
                        closed(a, ""),
                        closed(a + "," + b, ",\"required\":[\"b\"]"),
                        List.of("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"),
                        false),
                Arguments.of(
                        closed(a, ""),
                        closed(a + ",\"b\":{\"type\":\"integer\",\"default\":0}", ",\"required\":[\"b\"]"),
                        List.of("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"),
                        true),
                Arguments.of(
                        closed(a + "," + b, ""),
                        closed(a, ""),
                        List.of("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b"),
                        false),
                Arguments.of(
                        "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}",
                        "{\"type\":\"object\",\"properties\":{" + b
                                + "},\"additionalProperties\":{\"type\":\"integer\"}}",
                        List.of(
                                "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/b",
                                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"),
                        true),
                Arguments.of(
                        "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}",
                        "{\"type\":\"object\",\"properties\":{" + a
                                + "},\"additionalProperties\":{\"type\":\"integer\"}}",
                        List.of(
                                "TYPE_CHANGED #/properties/a",
                                "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/a",
                                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/a"),
                        false),
                Arguments.of(
                        closed(a, ""),
                        "{\"type\":\"object\",\"properties\":{" + a + "}}",
                        List.of("ADDITIONAL_PROPERTIES_ADDED #/additionalProperties"),
                        true),
                Arguments.of(
                        closed(a, ",\"required\":[\"a\"]"),
                        closed(a, ""),
                        List.of("REQUIRED_ATTRIBUTE_REMOVED #/required/a"),
                        true),
                Arguments.of(
                        closed(a, ""),
                        closed(a, ",\"required\":[\"a\"]"),
                        List.of("REQUIRED_ATTRIBUTE_ADDED #/required/a"),
                        false),
                Arguments.of(
                        closed(a, ",\"maxProperties\":3"),
                        closed(a, ",\"maxProperties\":2"),
                        List.of("MAX_PROPERTIES_DECREASED #/maxProperties"),
                        false),
                Arguments.of(
                        "{\"type\":\"object\",\"dependencies\":{\"a\":[\"b\",\"c\"]}}",
                        "{\"type\":\"object\",\"dependencies\":{\"a\":[\"b\"]}}",
                        List.of("DEPENDENCY_ARRAY_NARROWED #/dependencies/a"),
                        true),
                // arrays
                Arguments.of(
                        "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
                        "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}",
                        List.of("TYPE_CHANGED #/items"),
                        false),
                Arguments.of(
                        "{\"type\":\"array\",\"maxItems\":4}",
                        "{\"type\":\"array\",\"maxItems\":2}",
                        List.of("MAX_ITEMS_DECREASED #/maxItems"),
                        false),
                Arguments.of(
                        "{\"type\":\"array\"}",
                        "{\"type\":\"array\",\"uniqueItems\":true}",
                        List.of("UNIQUE_ITEMS_ADDED #/uniqueItems"),
                        false),
                Arguments.of(
                        "{\"type\":\"array\",\"items\":[{\"type\":\"string\"}],\"additionalItems\":false}",
                        "{\"type\":\"array\",\"items\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"additionalItems\":false}",
                        List.of("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1"),
                        true),
                Arguments.of(
                        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\","
                                + "\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"items\":false}",
                        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\","
                                + "\"prefixItems\":[{\"type\":\"string\"}],\"items\":false}",
                        List.of("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1"),
                        false),
                // combined schemas
                Arguments.of(
                        "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
                        "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"},{\"type\":\"boolean\"}]}",
                        List.of("SUM_TYPE_EXTENDED #/"),
                        true),
                Arguments.of(
                        "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
                        "{\"oneOf\":[{\"type\":\"string\"}]}",
                        List.of("SUM_TYPE_NARROWED #/"),
                        false),
                Arguments.of(
                        "{\"allOf\":[{\"type\":\"string\"},{\"maxLength\":3}]}",
                        "{\"allOf\":[{\"type\":\"string\"}]}",
                        List.of("PRODUCT_TYPE_NARROWED #/"),
                        true),
                Arguments.of(
                        "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
                        "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}",
                        List.of("COMBINED_TYPE_EXTENDED #/"),
                        true),
                Arguments.of(
                        "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
                        "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
                        List.of("COMBINED_TYPE_CHANGED #/"),
                        false),
                Arguments.of(
                        "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
                        "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"boolean\"}]}",
                        List.of("COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"),
                        false),
                Arguments.of(
                        "{\"not\":{\"type\":[\"string\",\"integer\"]}}",
                        "{\"not\":{\"type\":\"string\"}}",
                        List.of("NOT_TYPE_NARROWED #/not"),
                        true),
                Arguments.of(
                        "{\"not\":{\"type\":\"string\"}}",
                        "{\"not\":{\"type\":[\"string\",\"integer\"]}}",
                        List.of("NOT_TYPE_EXTENDED #/not"),
                        false),
                // references are followed
                Arguments.of(
                        "{\"definitions\":{\"n\":{\"type\":\"string\"}},\"type\":\"object\",\"properties\":{\"a\":"
                                + "{\"$ref\":\"#/definitions/n\"}}}",
                        "{\"$defs\":{\"m\":{\"type\":\"integer\"}},\"type\":\"object\","
                                + "\"properties\":{\"a\":{\"$ref\":\"#/$defs/m\"}}}",
                        List.of("TYPE_CHANGED #/properties/a"),
                        false),
                // annotations never matter
                Arguments.of(
                        "{\"title\":\"x\",\"description\":\"y\",\"default\":\"a\",\"type\":\"string\"}",
                        "{\"title\":\"z\",\"type\":\"string\",\"default\":\"b\"}",
                        List.of(),
                        true));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("rules")
    void eachRuleNamesTheChangeAndJudgesIt(String original, String update, List<String> expected, boolean compatible) {
        ParsedJsonSchema o = parse(original);
        ParsedJsonSchema u = parse(update);
        assertThat(changes(o, u)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(u.backwardProblems(o, ParsedSchema.Roles.backward(1)).isEmpty())
                .isEqualTo(compatible);
    }

    @Test
    void messagesAreConfluentsVerboseFormWithTheRolesNamed() {
        ParsedJsonSchema old = parse(prop("a", "{\"type\":\"string\"}"));
        ParsedJsonSchema young = parse(prop("a", "{\"type\":\"integer\"}"));
        assertThat(young.backwardProblems(old, ParsedSchema.Roles.backward(1)))
                .containsExactly(
                        "{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/properties/a' is different between the "
                                + "new schema and the old schema\"}");
        assertThat(parse("{\"type\":\"string\",\"maxLength\":3}")
                        .backwardProblems(parse("{\"type\":\"string\"}"), ParsedSchema.Roles.forward(2)))
                .containsExactly("{errorType:\"MAX_LENGTH_ADDED\", description:\"The "
                        + "keyword at path '#/maxLength' in the old schema is not present in the new schema\"}");
    }

    @Test
    void recursiveSchemasTerminateAndDeepChangesAreFound() {
        String tree = "{\"type\":\"object\",\"properties\":{\"value\":{\"type\":\"%s\"},\"children\":{\"type\":"
                + "\"array\",\"items\":{\"$ref\":\"#\"}}}}";
        ParsedJsonSchema strings = parse(String.format(tree, "string"));
        assertThat(changes(strings, parse(String.format(tree, "string")))).isEmpty();
        assertThat(changes(strings, parse(String.format(tree, "integer"))))
                .containsExactly("TYPE_CHANGED #/properties/value");
    }

    @Test
    void changesInAReferencedSubjectAreFound() {
        Map<Integer, RegisteredSchema> address = Map.of(
                1,
                        new RegisteredSchema(
                                "address", 1, 1, "JSON", closed("\"zip\":{\"type\":\"string\"}", ""), List.of(), false),
                2,
                        new RegisteredSchema(
                                "address",
                                2,
                                2,
                                "JSON",
                                closed("\"zip\":{\"type\":\"integer\"}", ""),
                                List.of(),
                                false));
        String customer = prop("home", "{\"$ref\":\"address.json\"}");
        ParsedJsonSchema v1 = (ParsedJsonSchema) PROVIDER.parse(
                customer, List.of(new SchemaReference("address.json", "address", 1)), r -> address.get(r.version()));
        ParsedJsonSchema v2 = (ParsedJsonSchema) PROVIDER.parse(
                customer, List.of(new SchemaReference("address.json", "address", 2)), r -> address.get(r.version()));
        assertThat(changes(v1, v2)).containsExactly("TYPE_CHANGED #/properties/home/properties/zip");
        assertThat(v2.backwardProblems(v1, ParsedSchema.Roles.backward(1))).hasSize(1);
    }
}
