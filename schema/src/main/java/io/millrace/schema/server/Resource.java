package io.millrace.schema.server;

import io.millrace.schema.core.RegistryException;

/** A group of REST endpoints; answers null for paths it does not own. */
interface Resource {

    Reply handle(HttpCall call);

    static RegistryException methodNotAllowed(HttpCall call) {
        return new RegistryException(
                405, 405, "HTTP 405 Method Not Allowed: " + call.method() + " /" + String.join("/", call.segments()));
    }
}
