package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DeleteGroupsRequest;

/** DeleteGroups (v0-3): deletes groups without members, with their offsets (NON_EMPTY_GROUP otherwise). */
public final class DeleteGroupsHandler extends VersionedHandler<DeleteGroupsRequest> {

    private final GroupCoordinator groups;

    public DeleteGroupsHandler(GroupCoordinator groups) {
        super(ApiKeys.DELETE_GROUPS, 0, 3);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, DeleteGroupsRequest request, Responder responder) {
        GroupReplies.answer(
                groups.deleteGroups(request.data().groupsNames()),
                context,
                request,
                responder,
                results -> new DeleteGroupsResponseData().setResults(results));
    }
}
