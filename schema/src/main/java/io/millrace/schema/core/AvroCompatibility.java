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
 * the old schema and the level: see {@link CompatibilityChecker}). Stateless, thread-safe.
 */
final class AvroCompatibility {

    private AvroCompatibility() {}

    /** Problems of {@code reader} reading data written with {@code writer}, described for {@code roles}. */
    static List<String> readProblems(Schema reader, Schema writer, ParsedSchema.Roles roles) {
        SchemaCompatibility.SchemaPairCompatibility pair =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        List<String> out = new ArrayList<>();
        if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return out;
        }
        for (Incompatibility problem : pair.getResult().getIncompatibilities()) {
            out.add("{errorType:'" + problem.getType() + "', description:'" + roles.summary() + ": at path '"
                    + problem.getLocation() + "' " + problem.getMessage() + "', additionalInfo:'"
                    + problem.getMessage() + "'}");
        }
        return out;
    }
}
