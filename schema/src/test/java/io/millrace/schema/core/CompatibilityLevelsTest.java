package io.millrace.schema.core;

import static io.millrace.schema.core.CompatibilityLevel.BACKWARD;
import static io.millrace.schema.core.CompatibilityLevel.BACKWARD_TRANSITIVE;
import static io.millrace.schema.core.CompatibilityLevel.FORWARD;
import static io.millrace.schema.core.CompatibilityLevel.FORWARD_TRANSITIVE;
import static io.millrace.schema.core.CompatibilityLevel.FULL;
import static io.millrace.schema.core.CompatibilityLevel.NONE;

import java.util.List;

/**
 * Every compatibility level against the classic Avro evolutions, including histories where the
 * latest version accepts a change that an older one does not (the transitive levels).
 */
class CompatibilityLevelsTest extends LevelTable {

    private static final String A = "{\"name\":\"a\",\"type\":\"string\"}";
    private static final String A_INT = "{\"name\":\"a\",\"type\":\"int\"}";
    private static final String B_REQUIRED = "{\"name\":\"b\",\"type\":\"int\"}";
    private static final String B_DEFAULT = "{\"name\":\"b\",\"type\":\"int\",\"default\":1}";

    private static String record(String... fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + String.join(",", fields) + "]}";
    }

    @Override
    protected SchemaProvider provider() {
        return new AvroSchemaProvider();
    }

    @Override
    protected List<Evolution> evolutions() {
        List<String> one = List.of(record(A));
        return List.of(
                // adding an optional field: readable both ways
                evolution(one, record(A, B_DEFAULT), CompatibilityLevel.values()),
                // adding a required field: the new reader has no value for old data
                evolution(one, record(A, B_REQUIRED), NONE, FORWARD, FORWARD_TRANSITIVE),
                // removing a required field: old readers miss it in new data
                evolution(List.of(record(A, B_REQUIRED)), record(A), NONE, BACKWARD, BACKWARD_TRANSITIVE),
                // changing a field's type
                evolution(one, record(A_INT), NONE),
                // b gets a default, then loses it: fine against the latest, not against the first version
                evolution(
                        List.of(record(A), record(A, B_DEFAULT)),
                        record(A, B_REQUIRED),
                        NONE,
                        BACKWARD,
                        FORWARD,
                        FORWARD_TRANSITIVE,
                        FULL),
                // b gains a default, then is dropped: old v1 readers need b
                evolution(
                        List.of(record(A, B_REQUIRED), record(A, B_DEFAULT)),
                        record(A),
                        NONE,
                        BACKWARD,
                        BACKWARD_TRANSITIVE,
                        FORWARD,
                        FULL));
    }
}
