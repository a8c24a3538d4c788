package io.millrace.schema.extension;

import io.millrace.broker.extension.BrokerExtension;
import io.millrace.schema.server.RegistryConfig;
import io.millrace.schema.server.RegistryServer;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the schema registry inside the broker process ({@code schema.registry.listeners},
 * default {@code http://127.0.0.1:8081}; empty disables it). Registered in
 * {@code META-INF/services/io.millrace.broker.extension.BrokerExtension}.
 */
public final class SchemaRegistryExtension implements BrokerExtension {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryExtension.class);

    @Override
    public String name() {
        return "schema-registry";
    }

    @Override
    public Set<String> configKeys() {
        return RegistryConfig.DEFINITION.names();
    }

    @Override
    public AutoCloseable start(Map<String, String> settings, String bootstrap) throws Exception {
        RegistryConfig config = new RegistryConfig(settings);
        if (config.listeners().isEmpty()) {
            log.info("Schema registry disabled ({} is empty)", RegistryConfig.LISTENERS);
            return () -> {};
        }
        return RegistryServer.start(config, bootstrap);
    }
}
