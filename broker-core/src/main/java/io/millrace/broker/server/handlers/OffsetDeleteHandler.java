package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.OffsetDeleteRequest;

/** OffsetDelete (v0): deletes a group's offsets of topics it no longer consumes. */
public final class OffsetDeleteHandler extends VersionedHandler<OffsetDeleteRequest> {

    private final GroupCoordinator groups;

    public OffsetDeleteHandler(GroupCoordinator groups) {
        super(ApiKeys.OFFSET_DELETE, 0, 0);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, OffsetDeleteRequest request, Responder responder) {
        GroupReplies.answer(groups.deleteOffsets(request.data()), context, request, responder);
    }
}
