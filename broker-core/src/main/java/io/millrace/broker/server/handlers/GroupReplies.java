package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.ClientInfo;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.utils.Utils;

/**
 * Shared by the group handlers: turns the group coordinator's future into exactly one response
 * (the API's error response if the coordinator failed unexpectedly), and describes the client the
 * way group APIs report it.
 */
final class GroupReplies {

    /** Authorized operations on a group without an authorizer (DescribeGroups, ConsumerGroupDescribe). */
    static final int GROUP_OPS = Utils.to32BitField(
            Set.of(AclOperation.READ.code(), AclOperation.DESCRIBE.code(), AclOperation.DELETE.code()));

    private GroupReplies() {}

    /** Answers with what the coordinator completes the future with: the response itself. */
    static void answer(
            CompletableFuture<? extends ApiMessage> future,
            RequestContext context,
            AbstractRequest request,
            Responder responder) {
        answer(future, context, request, responder, response -> response);
    }

    /** Answers with {@code toResponse} of what the coordinator completes the future with. */
    static <T> void answer(
            CompletableFuture<T> future,
            RequestContext context,
            AbstractRequest request,
            Responder responder,
            Function<T, ApiMessage> toResponse) {
        future.whenComplete((value, error) -> {
            ApiMessage response = null;
            Throwable failure = error;
            if (failure == null) {
                try {
                    response = toResponse.apply(value);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                response = UnexpectedFailures.response(context, request, failure);
            }
            responder.respond(response);
        });
    }

    /** Client id, host (as "/address", Kafka's form) and API version. */
    static ClientInfo client(RequestContext context) {
        String host = context.clientAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().toString()
                : String.valueOf(context.clientAddress());
        return new ClientInfo(context.clientId() == null ? "" : context.clientId(), host, context.apiVersion());
    }
}
