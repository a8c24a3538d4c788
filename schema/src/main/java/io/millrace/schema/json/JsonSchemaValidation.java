package io.millrace.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.millrace.schema.core.RegistryErrors;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Validates a JSON schema document with networknt's json-schema-validator: against the
 * meta-schema of its draft (bundled with the library, never fetched; compiled once per draft and
 * shared), then compiled with every
 * {@code $ref} resolved, the referenced subjects' documents served from memory. Remote references
 * are never fetched: a {@code $ref} to anything not referenced is an error. Thread-safe.
 */
final class JsonSchemaValidation {

    private static final SpecificationVersion DEFAULT_DRAFT = SpecificationVersion.DRAFT_7;
    private static final int MAX_ERRORS_SHOWN = 5;
    private static final Map<SpecificationVersion, Schema> META_SCHEMAS = new ConcurrentHashMap<>();

    private JsonSchemaValidation() {}

    /**
     * @param referenced reference name to document
     * @throws io.millrace.schema.core.RegistryException 42201 naming what is wrong
     */
    static void validate(JsonNode root, Map<String, JsonNode> referenced) {
        SpecificationVersion draft = draftOf(root);
        URI base = new JsonSchemaDocs(root, Map.of()).root().doc().base();
        Map<String, String> documents = new HashMap<>();
        referenced.forEach((name, node) -> {
            String text = JsonNormalizer.compact(node);
            for (URI against : List.of(base, JsonSchemaDocs.DEFAULT_BASE)) {
                URI uri = JsonSchemaDocs.resolve(against, name);
                if (uri != null) {
                    documents.putIfAbsent(uri.toString(), text);
                }
            }
            documents.putIfAbsent(name, text);
        });
        List<Error> errors = metaSchema(draft).validate(root);
        if (!errors.isEmpty()) {
            throw RegistryErrors.invalidSchema("Invalid JSON schema: it does not conform to "
                    + draft.getDialectId() + ": "
                    + errors.stream()
                            .limit(MAX_ERRORS_SHOWN)
                            .map(Error::toString)
                            .collect(Collectors.joining("; ")));
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(draft, b -> b.schemas(documents::get));
        try {
            Schema schema = registry.getSchema(SchemaLocation.of(base.toString()), root);
            schema.initializeValidators();
        } catch (RuntimeException e) {
            throw RegistryErrors.invalidSchema("Invalid JSON schema: " + describe(e));
        }
    }

    /** The draft's meta-schema, loaded once from the library's bundled copy; compiled schemas are thread-safe. */
    private static Schema metaSchema(SpecificationVersion draft) {
        return META_SCHEMAS.computeIfAbsent(draft, d -> {
            Schema meta = SchemaRegistry.withDefaultDialect(d).getSchema(SchemaLocation.of(d.getDialectId()));
            meta.initializeValidators();
            return meta;
        });
    }

    private static SpecificationVersion draftOf(JsonNode root) {
        JsonNode declared = root.isObject() ? root.get("$schema") : null;
        if (declared == null) {
            return DEFAULT_DRAFT;
        }
        Optional<SpecificationVersion> version =
                declared.isTextual() ? SpecificationVersion.fromDialectId(declared.asText()) : Optional.empty();
        return version.orElseThrow(() -> RegistryErrors.invalidSchema("Invalid JSON schema: $schema " + declared
                + " is not a supported draft; use draft-04, draft-06, draft-07, 2019-09 or 2020-12 "
                + "(e.g. \"http://json-schema.org/draft-07/schema#\")"));
    }

    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        for (int i = 0; cause != null && i < 3; i++, cause = cause.getCause()) {
            out.append(": ").append(cause.getMessage());
        }
        return out.toString();
    }
}
