package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;

/**
 * ConsumerGroupHeartbeat (v0-1): the KIP-848 consumer protocol ({@code group.protocol=consumer}),
 * with server-side assignment; v1 adds regex subscriptions and client-generated member ids.
 */
public final class ConsumerGroupHeartbeatHandler extends VersionedHandler<ConsumerGroupHeartbeatRequest> {

    private final GroupCoordinator groups;

    public ConsumerGroupHeartbeatHandler(GroupCoordinator groups) {
        super(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, ConsumerGroupHeartbeatRequest request, Responder responder) {
        GroupReplies.answer(
                groups.consumerGroupHeartbeat(GroupReplies.client(context), request.data()),
                context,
                request,
                responder);
    }
}
