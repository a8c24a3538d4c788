package io.millrace.schema.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a compatibility level to a candidate and the earlier versions of its subject, for any
 * schema type: BACKWARD asks the candidate to read each old version
 * ({@link ParsedSchema#backwardProblems}), FORWARD asks each old version to read the candidate,
 * FULL both; the transitive levels check every earlier version (newest first), the others the
 * latest only. Messages follow Confluent's verbose form: the problems, then the old version, the
 * old schema and the level. Stateless, thread-safe.
 */
public final class CompatibilityChecker {

    /** One earlier version to check against. */
    public record Previous(int version, ParsedSchema schema, String text) {}

    private CompatibilityChecker() {}

    /**
     * @param previous earlier non-deleted versions, oldest first; non-transitive levels use only the last
     * @return the problems found, empty when compatible
     */
    public static List<String> check(CompatibilityLevel level, ParsedSchema candidate, List<Previous> previous) {
        List<String> messages = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
            return messages;
        }
        List<Previous> against = level.transitive() ? previous : List.of(previous.get(previous.size() - 1));
        for (int i = against.size() - 1; i >= 0; i--) {
            Previous old = against.get(i);
            List<String> problems = new ArrayList<>();
            if (!old.schema().schemaType().equals(candidate.schemaType())) {
                problems.add("Incompatible because of different schema type: version " + old.version() + " is "
                        + old.schema().schemaType() + ", the new schema is " + candidate.schemaType());
            } else {
                if (level.backward()) {
                    problems.addAll(
                            candidate.backwardProblems(old.schema(), ParsedSchema.Roles.backward(old.version())));
                }
                if (level.forward()) {
                    problems.addAll(
                            old.schema().backwardProblems(candidate, ParsedSchema.Roles.forward(old.version())));
                }
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
}
