package io.millrace.broker.server.handlers;

import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.concurrent.Executor;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Base of the handlers whose every request touches the disk (creating or deleting files,
 * fsyncing metadata): {@link #handle} never does the work on the event loop but hands
 * {@link #respond} to the admin executor through {@link BlockingWork}, which answers with the API's
 * error response if the work throws or the executor refuses it. Subclasses keep only their work.
 *
 * @param <R> the request type
 */
abstract class BlockingHandler<R extends AbstractRequest> extends VersionedHandler<R> {

    private final Executor adminExecutor;

    BlockingHandler(ApiKeys apiKey, int minVersion, int maxVersion, Executor adminExecutor) {
        super(apiKey, minVersion, maxVersion);
        this.adminExecutor = adminExecutor;
    }

    @Override
    public final void handle(RequestContext context, R request, Responder responder) {
        BlockingWork.respondOn(adminExecutor, context, request, responder, () -> respond(context, request));
    }

    /**
     * The response to {@code request}; runs on the admin executor and may block. Failures of single
     * items (topics, partitions, resources) belong in the response; an exception fails the request.
     */
    abstract ApiMessage respond(RequestContext context, R request);
}
