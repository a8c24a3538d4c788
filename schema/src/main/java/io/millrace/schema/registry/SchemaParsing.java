package io.millrace.schema.registry;

import io.millrace.schema.core.AvroCompatibility;
import io.millrace.schema.core.AvroSchemas;
import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.ParsedAvroSchema;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.store.RegistryState;
import java.util.List;

/** Parsing and compatibility checks against a state view. Stateless. */
final class SchemaParsing {

    private SchemaParsing() {
    }

    /** Parses a request's schema, its references resolved in the view; normalizes on request. */
    static ParsedAvroSchema parse(RegistryState.View view, RegisterRequest request, boolean normalize) {
        AvroSchemas.checkType(request.schemaType());
        ParsedAvroSchema parsed = AvroSchemas.parse(request.schema(), request.references(),
            ref -> view.version(ref.subject(), ref.version()).orElse(null));
        if (!normalize) {
            return parsed;
        }
        return new ParsedAvroSchema(parsed.schema(), AvroSchemas.normalize(parsed.canonical()), parsed.references());
    }

    static ParsedAvroSchema parseStored(RegistryState.View view, RegisteredSchema stored) {
        return AvroSchemas.parse(stored.schema(), stored.references(),
            ref -> view.version(ref.subject(), ref.version()).orElse(null));
    }

    /** Problems of {@code candidate} against {@code previous} (oldest first) at {@code level}. */
    static List<String> check(RegistryState.View view, CompatibilityLevel level, ParsedAvroSchema candidate,
                              List<RegisteredSchema> previous) {
        List<AvroCompatibility.Previous> olds = previous.stream()
            .map(p -> new AvroCompatibility.Previous(p.version(), parseStored(view, p).schema(), p.schema()))
            .toList();
        return AvroCompatibility.check(level, candidate.schema(), olds);
    }
}
