package io.millrace.broker.server;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Base of every handler: the API key it serves and the version range it advertises, declared
 * once in the constructor (as Redpanda's {@code handler_template<Api, Min, Max>} does).
 *
 * @param <R> the request type
 */
public abstract class VersionedHandler<R extends AbstractRequest> implements ApiHandler<R> {

    private final ApiKeys apiKey;
    private final short minVersion;
    private final short maxVersion;

    protected VersionedHandler(ApiKeys apiKey, int minVersion, int maxVersion) {
        this.apiKey = apiKey;
        this.minVersion = (short) minVersion;
        this.maxVersion = (short) maxVersion;
    }

    @Override
    public final ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public final short minVersion() {
        return minVersion;
    }

    @Override
    public final short maxVersion() {
        return maxVersion;
    }
}
