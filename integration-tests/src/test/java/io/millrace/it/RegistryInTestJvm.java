package io.millrace.it;

import io.millrace.schema.server.RegistryConfig;
import io.millrace.schema.server.RegistryServer;
import io.millrace.testing.MillraceBroker;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A schema registry server running in the test JVM against a class's {@link MillraceBroker}, on a
 * free port, for all tests of the class. Register it in a static field after the broker (a higher
 * {@code @Order}), so that it starts after the broker and closes before the broker stops.
 */
final class RegistryInTestJvm implements BeforeAllCallback, AfterAllCallback {

    private final MillraceBroker broker;
    private final Map<String, String> settings;
    private RegistryServer server;

    /** @param settings registry settings ({@link RegistryConfig}) besides the listener */
    RegistryInTestJvm(MillraceBroker broker, Map<String, String> settings) {
        this.broker = broker;
        this.settings = new HashMap<>(settings);
        this.settings.put(RegistryConfig.LISTENERS, "http://127.0.0.1:0");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = RegistryServer.start(new RegistryConfig(settings), broker.bootstrap());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    /** Where the registry listens. */
    URI uri() {
        return server.uris().get(0);
    }

    /** {@link #uri()} as a string, for clients. */
    String url() {
        return uri().toString();
    }
}
