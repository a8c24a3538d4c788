package io.millrace.schema.json;

import static io.millrace.schema.core.CompatibilityLevel.BACKWARD;
import static io.millrace.schema.core.CompatibilityLevel.BACKWARD_TRANSITIVE;
import static io.millrace.schema.core.CompatibilityLevel.FORWARD;
import static io.millrace.schema.core.CompatibilityLevel.FORWARD_TRANSITIVE;
import static io.millrace.schema.core.CompatibilityLevel.FULL;
import static io.millrace.schema.core.CompatibilityLevel.NONE;

import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.LevelTable;
import io.millrace.schema.core.SchemaProvider;
import java.util.List;

/**
 * Every compatibility level against typical JSON Schema evolutions, including histories where the
 * latest version accepts a change an older one does not (the transitive levels).
 */
class JsonCompatibilityLevelsTest extends LevelTable {

    private static String object(boolean closed, String required, String... properties) {
        return "{\"type\":\"object\",\"properties\":{" + String.join(",", properties) + "}"
                + (required == null ? "" : ",\"required\":[\"" + required + "\"]")
                + (closed ? ",\"additionalProperties\":false" : "") + "}";
    }

    private static String string(String extra) {
        return "{\"type\":\"string\"" + extra + "}";
    }

    @Override
    protected SchemaProvider provider() {
        return new JsonSchemaProvider();
    }

    @Override
    protected List<Evolution> evolutions() {
        String a = "\"a\":{\"type\":\"string\"}";
        String b = "\"b\":{\"type\":\"integer\"}";
        return List.of(
                // open content model: old data may hold any "b", so a typed b is not backward compatible
                evolution(
                        List.of(object(false, null, a)), object(false, null, a, b), NONE, FORWARD, FORWARD_TRANSITIVE),
                // closed content model: old data has no "b" at all; old readers reject a new "b"
                evolution(
                        List.of(object(true, null, a)), object(true, null, a, b), NONE, BACKWARD, BACKWARD_TRANSITIVE),
                // integer widened to number
                evolution(
                        List.of(object(true, null, b)),
                        object(true, null, "\"b\":{\"type\":\"number\"}"),
                        NONE,
                        BACKWARD,
                        BACKWARD_TRANSITIVE),
                // a property's type changed
                evolution(List.of(object(true, null, a)), object(true, null, "\"a\":{\"type\":\"boolean\"}"), NONE),
                // a property became required
                evolution(
                        List.of(object(true, null, a, b)), object(true, "b", a, b), NONE, FORWARD, FORWARD_TRANSITIVE),
                // an enum gained a value
                evolution(
                        List.of("{\"enum\":[\"x\",\"y\"]}"),
                        "{\"enum\":[\"x\",\"y\",\"z\"]}",
                        NONE,
                        BACKWARD,
                        BACKWARD_TRANSITIVE),
                // only the description changed
                evolution(List.of(string("")), string(",\"description\":\"a name\""), CompatibilityLevel.values()),
                // maxLength 5 then 10: wider than the latest, but v1 allowed any length
                evolution(List.of(string(""), string(",\"maxLength\":5")), string(",\"maxLength\":10"), NONE, BACKWARD),
                // maxLength 10, none, then 20: v1 readers reject strings of 11..20
                evolution(List.of(string(",\"maxLength\":10"), string("")), string(",\"maxLength\":20"), NONE, FORWARD),
                // equal to the latest in both directions, but v1 readers enforced maxLength 10
                evolution(
                        List.of(string(",\"maxLength\":10"), string("")),
                        string(",\"title\":\"t\""),
                        NONE,
                        BACKWARD,
                        BACKWARD_TRANSITIVE,
                        FORWARD,
                        FULL));
    }
}
