package io.millrace.schema.server;

import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.registry.RegisterRequest;
import io.millrace.schema.registry.SchemaRegistry;
import java.util.Map;

/**
 * {@code /subjects}, {@code /subjects/{subject}}, {@code /subjects/{subject}/versions[/{version}
 * [/schema|/referencedby]]}.
 */
final class SubjectsResource implements Resource {

    private final SchemaRegistry registry;

    SubjectsResource(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Reply handle(HttpCall call) {
        if (call.size() == 0 || !call.segment(0).equals("subjects")) {
            return null;
        }
        String method = call.method();
        if (call.is(1)) {
            Resource.requireMethod(call, "GET");
            return Reply.ok(registry.subjects(call.query("subjectPrefix"), call.flag("deleted")));
        }
        String subject = call.segment(1);
        if (call.is(2)) {
            switch (method) {
                case "POST" -> {
                    RegisterRequest request = Json.registerRequest(call.json());
                    RegisteredSchema found =
                            registry.lookup(subject, request, call.flag("normalize"), call.flag("deleted"));
                    return Reply.ok(Json.schemaVersion(found));
                }
                case "DELETE" -> {
                    return Reply.ok(registry.deleteSubject(subject, call.flag("permanent")));
                }
                default -> throw Resource.methodNotAllowed(call);
            }
        }
        if (!call.segment(2).equals("versions")) {
            return null;
        }
        if (call.is(3)) {
            switch (method) {
                case "GET" -> {
                    return Reply.ok(registry.versions(subject, call.flag("deleted")));
                }
                case "POST" -> {
                    RegisterRequest request = Json.registerRequest(call.json());
                    int id = registry.register(subject, request, call.flag("normalize"));
                    return Reply.ok(Map.of("id", id));
                }
                default -> throw Resource.methodNotAllowed(call);
            }
        }
        String version = call.segment(3);
        if (call.is(4)) {
            switch (method) {
                case "GET" -> {
                    return Reply.ok(Json.schemaVersion(registry.version(subject, version, call.flag("deleted"))));
                }
                case "DELETE" -> {
                    return Reply.ok(registry.deleteVersion(subject, version, call.flag("permanent")));
                }
                default -> throw Resource.methodNotAllowed(call);
            }
        }
        if (call.is(5) && call.segment(4).equals("schema")) {
            Resource.requireMethod(call, "GET");
            return Reply.rawText(
                    registry.version(subject, version, call.flag("deleted")).schema());
        }
        if (call.is(5) && call.segment(4).equals("referencedby")) {
            Resource.requireMethod(call, "GET");
            return Reply.ok(registry.referencedBy(subject, version));
        }
        return null;
    }
}
