package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.SyncGroupRequest;

/** SyncGroup (v0-5): followers wait until the leader's assignment is stored, then get their part. */
public final class SyncGroupHandler extends VersionedHandler<SyncGroupRequest> {

    private final GroupCoordinator groups;

    public SyncGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.SYNC_GROUP, 0, 5);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, SyncGroupRequest request, Responder responder) {
        GroupReplies.answer(groups.syncGroup(request.data()), context, request, responder);
    }
}
