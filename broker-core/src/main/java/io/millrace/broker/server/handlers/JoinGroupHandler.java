package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.JoinGroupRequest;

/**
 * JoinGroup (v0-9): parks until the group's join phase completes (up to the rebalance timeout).
 * v0 has no rebalance timeout: the session timeout is used, as Kafka does.
 */
public final class JoinGroupHandler extends VersionedHandler<JoinGroupRequest> {

    private final GroupCoordinator groups;

    public JoinGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.JOIN_GROUP, 0, 9);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, JoinGroupRequest request, Responder responder) {
        JoinGroupRequestData data = request.data();
        if (context.apiVersion() == 0) {
            data.setRebalanceTimeoutMs(data.sessionTimeoutMs());
        }
        GroupReplies.answer(
                groups.joinGroup(GroupReplies.client(context), data), context, request, responder, response -> {
                    if (context.apiVersion() < 7 && response.protocolName() == null) {
                        response.setProtocolName("");
                    }
                    if (response.leader() == null) {
                        response.setLeader("");
                    }
                    return response;
                });
    }
}
