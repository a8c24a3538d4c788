package io.millrace.schema.json;

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
 * Every compatibility level against typical JSON Schema evolutions, including histories where the
 * latest version accepts a change an older one does not (the transitive levels).
 */
class JsonCompatibilityLevelsTest {

    private static final JsonSchemaProvider PROVIDER = new JsonSchemaProvider();

    private static String object(boolean closed, String required, String... properties) {
        return "{\"type\":\"object\",\"properties\":{" + String.join(",", properties) + "}"
                + (required == null ? "" : ",\"required\":[\"" + required + "\"]")
                + (closed ? ",\"additionalProperties\":false" : "") + "}";
    }

    private static String string(String extra) {
        return "{\"type\":\"string\"" + extra + "}";
    }

    /** level, history (oldest first), candidate, compatible? */
    static Stream<Arguments> evolutions() {
        List<Arguments> cases = new ArrayList<>();
        String a = "\"a\":{\"type\":\"string\"}";
        String b = "\"b\":{\"type\":\"integer\"}";
        // open content model: old data may hold any "b", so a typed b is not backward compatible
        add(
                cases,
                List.of(object(false, null, a)),
                object(false, null, a, b),
                true,
                false,
                false,
                true,
                true,
                false,
                false);
        // closed content model: old data has no "b" at all; old readers reject a new "b"
        add(
                cases,
                List.of(object(true, null, a)),
                object(true, null, a, b),
                true,
                true,
                true,
                false,
                false,
                false,
                false);
        // integer widened to number
        add(
                cases,
                List.of(object(true, null, b)),
                object(true, null, "\"b\":{\"type\":\"number\"}"),
                true,
                true,
                true,
                false,
                false,
                false,
                false);
        // a property's type changed
        add(
                cases,
                List.of(object(true, null, a)),
                object(true, null, "\"a\":{\"type\":\"boolean\"}"),
                true,
                false,
                false,
                false,
                false,
                false,
                false);
        // a property became required
        add(
                cases,
                List.of(object(true, null, a, b)),
                object(true, "b", a, b),
                true,
                false,
                false,
                true,
                true,
                false,
                false);
        // an enum gained a value
        add(
                cases,
                List.of("{\"enum\":[\"x\",\"y\"]}"),
                "{\"enum\":[\"x\",\"y\",\"z\"]}",
                true,
                true,
                true,
                false,
                false,
                false,
                false);
        // only the description changed
        add(
                cases,
                List.of(string("")),
                string(",\"description\":\"a name\""),
                true,
                true,
                true,
                true,
                true,
                true,
                true);
        // maxLength 5 then 10: wider than the latest, but v1 allowed any length
        add(
                cases,
                List.of(string(""), string(",\"maxLength\":5")),
                string(",\"maxLength\":10"),
                true,
                true,
                false,
                false,
                false,
                false,
                false);
        // maxLength 10, none, then 20: v1 readers reject strings of 11..20
        add(
                cases,
                List.of(string(",\"maxLength\":10"), string("")),
                string(",\"maxLength\":20"),
                true,
                false,
                false,
                true,
                false,
                false,
                false);
        // equal to the latest in both directions, but v1 readers enforced maxLength 10
        add(
                cases,
                List.of(string(",\"maxLength\":10"), string("")),
                string(",\"title\":\"t\""),
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
        LevelTable.check(PROVIDER, level, history, candidate, compatible);
    }
}
