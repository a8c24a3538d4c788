package io.millrace.schema.server;

import io.millrace.schema.core.RegistryException;

/** A group of REST endpoints; answers null for paths it does not own. */
interface Resource {

    Reply handle(HttpCall call);

    /** @throws RegistryException 405 unless the call uses {@code method} */
    static void requireMethod(HttpCall call, String method) {
        if (!call.method().equals(method)) {
            throw methodNotAllowed(call);
        }
    }

    static RegistryException methodNotAllowed(HttpCall call) {
        return new RegistryException(
                405, 405, "HTTP 405 Method Not Allowed: " + call.method() + " /" + String.join("/", call.segments()));
    }
}
