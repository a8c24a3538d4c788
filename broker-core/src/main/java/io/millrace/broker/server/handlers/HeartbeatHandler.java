package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.HeartbeatRequest;

/** Heartbeat (v0-4) of classic group members: keeps the session alive, reports rebalances. */
public final class HeartbeatHandler extends VersionedHandler<HeartbeatRequest> {

    private final GroupCoordinator groups;

    public HeartbeatHandler(GroupCoordinator groups) {
        super(ApiKeys.HEARTBEAT, 0, 4);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, HeartbeatRequest request, Responder responder) {
        GroupReplies.answer(groups.heartbeat(request.data()), context, request, responder);
    }
}
