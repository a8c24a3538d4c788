package io.millrace.schema.server;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The registry server's settings (the same keys in the broker's configuration and for the
 * standalone {@code millrace registry}). Immutable.
 */
public final class RegistryConfig extends AbstractConfig {

    public static final String LISTENERS = "schema.registry.listeners";
    public static final String TOPIC = "schema.registry.topic";
    public static final String MAX_REQUEST_BYTES = "schema.registry.max.request.bytes";
    public static final String TIMEOUT_MS = "schema.registry.timeout.ms";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    LISTENERS,
                    Type.LIST,
                    "http://127.0.0.1:8081",
                    HIGH,
                    "Comma-separated http://host:port addresses the schema registry listens on; empty disables the registry.")
            .define(
                    TOPIC,
                    Type.STRING,
                    "_schemas",
                    MEDIUM,
                    "The single-partition compacted topic that stores schemas, configs and modes.")
            .define(
                    MAX_REQUEST_BYTES,
                    Type.LONG,
                    20L * 1024 * 1024,
                    atLeast(1024),
                    LOW,
                    "Largest request body accepted; larger ones get HTTP 413 (error_code 42209).")
            .define(
                    TIMEOUT_MS,
                    Type.LONG,
                    30_000L,
                    atLeast(100),
                    LOW,
                    "How long a registry operation waits for the broker before failing with a 5xx.");

    public RegistryConfig(Map<String, ?> values) {
        super(DEFINITION, values, false);
    }

    /** The listeners as (host, port) URIs; empty when the registry is disabled. */
    public List<URI> listeners() {
        return getList(LISTENERS).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(RegistryConfig::parse)
                .toList();
    }

    private static URI parse(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null
                    || !uri.getScheme().toLowerCase(Locale.ROOT).equals("http")) {
                throw new ConfigException(LISTENERS, text, "only http://host:port listeners are supported");
            }
            if (uri.getHost() == null || uri.getPort() < 0 || uri.getPort() > 65535) {
                throw new ConfigException(LISTENERS, text, "expected http://host:port (port 0 picks a free port)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(LISTENERS, text, "not a URI: " + e.getMessage());
        }
    }

    public String topic() {
        return getString(TOPIC);
    }

    public long maxRequestBytes() {
        return getLong(MAX_REQUEST_BYTES);
    }

    public long timeoutMs() {
        return getLong(TIMEOUT_MS);
    }
}
