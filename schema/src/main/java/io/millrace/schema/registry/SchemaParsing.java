package io.millrace.schema.registry;

import io.millrace.schema.core.CompatibilityChecker;
import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.ReferenceResolver;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.store.RegistryState;
import java.util.List;

/** Parsing and compatibility checks against a state view, for every schema type. Stateless. */
final class SchemaParsing {

    private SchemaParsing() {}

    /** Parses a request's schema, its references resolved in the view; normalizes on request. */
    static ParsedSchema parse(RegistryState.View view, RegisterRequest request, boolean normalize) {
        ParsedSchema parsed = SchemaTypes.standard()
                .provider(request.schemaType())
                .parse(request.schema(), request.references(), resolver(view));
        return normalize ? parsed.normalize() : parsed;
    }

    static ParsedSchema parseStored(RegistryState.View view, RegisteredSchema stored) {
        return SchemaTypes.standard()
                .provider(stored.schemaType())
                .parse(stored.schema(), stored.references(), resolver(view));
    }

    /** Problems of {@code candidate} against {@code previous} (oldest first) at {@code level}. */
    static List<String> check(
            RegistryState.View view,
            CompatibilityLevel level,
            ParsedSchema candidate,
            List<RegisteredSchema> previous) {
        if (level == CompatibilityLevel.NONE) {
            return List.of();
        }
        List<RegisteredSchema> against =
                level.transitive() || previous.isEmpty() ? previous : List.of(previous.get(previous.size() - 1));
        List<CompatibilityChecker.Previous> olds = against.stream()
                .map(p -> new CompatibilityChecker.Previous(p.version(), parseStored(view, p), p.schema()))
                .toList();
        return CompatibilityChecker.check(level, candidate, olds);
    }

    private static ReferenceResolver resolver(RegistryState.View view) {
        return ref -> view.version(ref.subject(), ref.version()).orElse(null);
    }
}
