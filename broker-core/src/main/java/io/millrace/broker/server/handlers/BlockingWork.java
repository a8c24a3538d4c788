package io.millrace.broker.server.handlers;

import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Runs a handler's disk-touching work on the admin executor and guarantees an answer: if the
 * work throws (or the broker is shutting down), the client gets the API's error response
 * instead of a connection stuck behind a request that never completes.
 */
final class BlockingWork {

    private BlockingWork() {}

    static void respondOn(
            Executor executor,
            RequestContext context,
            AbstractRequest request,
            Responder responder,
            Supplier<ApiMessage> work) {
        Runnable task = () -> {
            ApiMessage response;
            try {
                response = work.get();
            } catch (RuntimeException e) {
                response = UnexpectedFailures.response(context, request, e);
            }
            responder.respond(response);
        };
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            responder.respond(request.getErrorResponse(0, new KafkaStorageException("The broker is shutting down"))
                    .data());
        }
    }
}
