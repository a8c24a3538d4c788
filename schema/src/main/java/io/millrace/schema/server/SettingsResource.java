package io.millrace.schema.server;

import io.millrace.schema.registry.RegistrySettings;
import java.util.Map;

/** {@code /config[/{subject}]} and {@code /mode[/{subject}]}: GET, PUT, DELETE. */
final class SettingsResource implements Resource {

    private final RegistrySettings settings;

    SettingsResource(RegistrySettings settings) {
        this.settings = settings;
    }

    @Override
    public Reply handle(HttpCall call) {
        if (call.size() == 0 || call.size() > 2) {
            return null;
        }
        String subject = call.size() == 2 ? call.segment(1) : null;
        boolean defaultToGlobal = call.flag("defaultToGlobal");
        switch (call.segment(0)) {
            case "config":
                return switch (call.method()) {
                    case "GET" ->
                        Reply.ok(Map.of(
                                "compatibilityLevel",
                                settings.getCompatibility(subject, defaultToGlobal)
                                        .name()));
                    case "PUT" ->
                        Reply.ok(Map.of(
                                "compatibility",
                                settings.setCompatibility(subject, Json.textField(call.json(), "compatibility"))
                                        .name()));
                    case "DELETE" ->
                        Reply.ok(Map.of(
                                "compatibilityLevel",
                                settings.deleteCompatibility(subject).name()));
                    default -> throw Resource.methodNotAllowed(call);
                };
            case "mode":
                return switch (call.method()) {
                    case "GET" ->
                        Reply.ok(Map.of(
                                "mode",
                                settings.getMode(subject, defaultToGlobal).name()));
                    case "PUT" ->
                        Reply.ok(Map.of(
                                "mode",
                                settings.setMode(subject, Json.textField(call.json(), "mode"), call.flag("force"))
                                        .name()));
                    case "DELETE" ->
                        Reply.ok(Map.of("mode", settings.deleteMode(subject).name()));
                    default -> throw Resource.methodNotAllowed(call);
                };
            default:
                return null;
        }
    }
}
