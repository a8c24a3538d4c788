package io.millrace.schema.server;

import io.millrace.schema.registry.RegisterRequest;
import io.millrace.schema.registry.SchemaRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /compatibility/subjects/{subject}/versions[/{version}]}: {@code {"is_compatible": ..}},
 * with {@code "messages"} when {@code verbose=true}.
 */
final class CompatibilityResource implements Resource {

    private final SchemaRegistry registry;

    CompatibilityResource(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Reply handle(HttpCall call) {
        boolean all = call.is(4, "compatibility", "subjects", null, "versions");
        boolean one = call.is(5, "compatibility", "subjects", null, "versions");
        if (!all && !one) {
            return null;
        }
        Resource.requireMethod(call, "POST");
        RegisterRequest request = Json.registerRequest(call.json());
        List<String> messages = registry.testCompatibility(
                call.segment(2), one ? call.segment(4) : null, request, call.flag("normalize"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("is_compatible", messages.isEmpty());
        if (call.flag("verbose")) {
            body.put("messages", messages);
        }
        return Reply.ok(body);
    }
}
