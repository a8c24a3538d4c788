package io.millrace.schema.core;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Compatibility of a new Avro schema with earlier versions, decided by Avro's own
 * {@link SchemaCompatibility} reader/writer check. Messages follow Confluent's verbose form
 * ({@code {errorType:.., description:.., additionalInfo:..}} per problem, then the old version,
 * the old schema and the level). Stateless, thread-safe.
 */
public final class AvroCompatibility {

    /** One earlier version to check against. */
    public record Previous(int version, Schema schema, String text) {
    }

    private AvroCompatibility() {
    }

    /**
     * @param previous earlier non-deleted versions, oldest first; non-transitive levels use only the last
     * @return the problems found, empty when compatible
     */
    public static List<String> check(CompatibilityLevel level, Schema candidate, List<Previous> previous) {
        List<String> messages = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
            return messages;
        }
        List<Previous> against = level.transitive() ? previous : List.of(previous.get(previous.size() - 1));
        for (int i = against.size() - 1; i >= 0; i--) {
            Previous old = against.get(i);
            List<String> problems = new ArrayList<>();
            if (level.backward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old.schema()),
                    "the new schema cannot read data written with version " + old.version(), problems);
            }
            if (level.forward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), candidate),
                    "version " + old.version() + " cannot read data written with the new schema", problems);
            }
            if (!problems.isEmpty()) {
                messages.addAll(problems);
                messages.add("{oldSchemaVersion: " + old.version() + "}");
                messages.add("{oldSchema: '" + old.text() + "'}");
                messages.add("{compatibility: '" + level + "'}");
            }
        }
        return messages;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String direction,
                                 List<String> out) {
        if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility problem : pair.getResult().getIncompatibilities()) {
            out.add("{errorType:'" + problem.getType() + "', description:'" + direction + ": at path '"
                + problem.getLocation() + "' " + problem.getMessage() + "', additionalInfo:'"
                + problem.getMessage() + "'}");
        }
    }
}
