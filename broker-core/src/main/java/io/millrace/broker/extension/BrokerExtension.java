package io.millrace.broker.extension;

import java.util.Map;
import java.util.Set;

/**
 * A component that runs inside the broker process next to the Kafka listeners, such as the schema
 * registry. Implementations are found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.millrace.broker.extension.BrokerExtension} entry in their jar), so
 * the broker has no compile-time dependency on them.
 *
 * <p>Lifecycle: the broker starts every extension after its listeners are bound, in discovery
 * order, and closes them (in reverse order) before it closes its own listeners. An extension
 * talks to the broker only through the Kafka protocol at the bootstrap address it is given.
 * Implementations must have a public no-argument constructor.
 */
public interface BrokerExtension {

    /** Short name for logs, e.g. {@code schema-registry}. */
    String name();

    /**
     * Configuration keys this extension reads; the broker's configuration loader accepts them
     * instead of reporting them as unknown.
     */
    Set<String> configKeys();

    /**
     * Starts the extension. Returns once it serves (or has decided, from its settings, to stay
     * disabled).
     *
     * @param settings the explicitly configured values of {@link #configKeys()} (file, environment or
     *                 overrides); keys left out take the extension's defaults
     * @param bootstrap {@code host:port} of the broker's own first listener, for Kafka clients
     * @return closed by the broker on shutdown
     * @throws org.apache.kafka.common.config.ConfigException when a setting is invalid
     * @throws Exception when the extension cannot start; the broker then stops
     */
    AutoCloseable start(Map<String, String> settings, String bootstrap) throws Exception;
}
