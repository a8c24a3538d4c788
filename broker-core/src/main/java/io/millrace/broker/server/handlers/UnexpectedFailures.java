package io.millrace.broker.server.handlers;

import io.millrace.broker.server.RequestContext;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a handler answers a request whose work failed in a way the work did not turn into an error
 * of the response (a bug, or a failure of a coordinator): it is logged with the API and the client,
 * and the client gets the API's error response for it rather than no answer. Stateless.
 */
final class UnexpectedFailures {

    private static final Logger log = LoggerFactory.getLogger(UnexpectedFailures.class);

    private UnexpectedFailures() {}

    /** Logs {@code failure} of {@code request} and returns the API's error response for it. */
    static ApiMessage response(RequestContext context, AbstractRequest request, Throwable failure) {
        log.error(
                "{} from {} failed unexpectedly: {}",
                context.apiKey().name,
                context.describeClient(),
                failure.toString(),
                failure);
        return request.getErrorResponse(0, failure).data();
    }
}
