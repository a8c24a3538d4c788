package io.millrace.schema.server;

import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.RegistryException;
import io.millrace.schema.registry.SchemaRegistry;
import io.millrace.schema.registry.SchemaTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /schemas}, {@code /schemas/types}, {@code /schemas/ids/{id}[/schema|/subjects|/versions]}. */
final class SchemasResource implements Resource {

    private final SchemaRegistry registry;

    SchemasResource(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Reply handle(HttpCall call) {
        if (call.size() == 0 || !call.segment(0).equals("schemas")) {
            return null;
        }
        if (call.is(1)) {
            Resource.requireMethod(call, "GET");
            List<RegisteredSchema> all =
                    registry.schemas(call.query("subjectPrefix"), call.flag("deleted"), call.flag("latestOnly"));
            return Reply.ok(all.stream().map(Json::schemaVersion).toList());
        }
        if (call.is(2, "schemas", "types")) {
            Resource.requireMethod(call, "GET");
            return Reply.ok(SchemaTypes.standard().names());
        }
        if (call.size() < 3 || call.size() > 4 || !call.segment(1).equals("ids")) {
            return null;
        }
        Resource.requireMethod(call, "GET");
        int id = parseId(call.segment(2));
        if (call.is(3)) {
            return Reply.ok(Json.schemaById(registry.schemaById(id)));
        }
        switch (call.segment(3)) {
            case "schema":
                return Reply.rawText(registry.schemaById(id).schema());
            case "subjects":
                return Reply.ok(registry.usesOfId(id, call.flag("deleted")).stream()
                        .map(RegisteredSchema::subject)
                        .distinct()
                        .toList());
            case "versions":
                return Reply.ok(registry.usesOfId(id, call.flag("deleted")).stream()
                        .map(s -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("subject", s.subject());
                            m.put("version", s.version());
                            return m;
                        })
                        .toList());
            default:
                return null;
        }
    }

    /** A schema id path segment; not a number is 404 with 40403, like an unknown id. */
    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryException(404, 40403, "Schema " + text + " not found");
        }
    }
}
