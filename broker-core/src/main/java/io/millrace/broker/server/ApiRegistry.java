package io.millrace.broker.server;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/** The handlers this broker serves, by API key. Immutable once built. */
public final class ApiRegistry {

    private final Map<ApiKeys, ApiHandler<?>> handlers;

    private ApiRegistry(Map<ApiKeys, ApiHandler<?>> handlers) {
        this.handlers = Collections.unmodifiableMap(handlers);
    }

    public static Builder builder() {
        return new Builder();
    }

    public ApiHandler<?> handler(ApiKeys key) {
        return handlers.get(key);
    }

    public Collection<ApiHandler<?>> handlers() {
        return handlers.values();
    }

    /** Collects handlers; rejects two for one key and versions the client library cannot parse. */
    public static final class Builder {
        private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);

        public Builder add(ApiHandler<?> handler) {
            ApiKeys key = handler.apiKey();
            if (handlers.containsKey(key)) {
                throw new IllegalStateException("Two handlers for " + key);
            }
            if (handler.minVersion() < key.oldestVersion() || handler.maxVersion() > key.latestVersion()) {
                throw new IllegalStateException(key + " handler declares versions " + handler.minVersion() + "-"
                        + handler.maxVersion() + " outside what kafka-clients can parse (" + key.oldestVersion() + "-"
                        + key.latestVersion() + ")");
            }
            handlers.put(key, handler);
            return this;
        }

        public ApiRegistry build() {
            return new ApiRegistry(new EnumMap<>(handlers));
        }
    }
}
