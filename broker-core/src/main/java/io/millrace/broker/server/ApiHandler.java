package io.millrace.broker.server;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Serves one Kafka API key (Redpanda-style: one handler class per key). The versions it
 * declares are exactly what ApiVersions advertises.
 *
 * <p>{@link #handle} runs on the connection's event loop. It must not block (hand blocking
 * work to an executor) and must eventually call the {@link Responder} exactly once, from any
 * thread. It must not keep references into the request's byte buffers after returning: the
 * frame is released then.
 *
 * @param <R> the request type
 */
public interface ApiHandler<R extends AbstractRequest> {

    ApiKeys apiKey();

    short minVersion();

    short maxVersion();

    void handle(RequestContext context, R request, Responder responder);

    default boolean supports(short version) {
        return version >= minVersion() && version <= maxVersion();
    }
}
