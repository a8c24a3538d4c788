package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.List;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ListGroupsRequest;

/** ListGroups (v0-5): every group, filtered by state (v4+) and type (v5+), case-insensitively. */
public final class ListGroupsHandler extends VersionedHandler<ListGroupsRequest> {

    private final GroupCoordinator groups;

    public ListGroupsHandler(GroupCoordinator groups) {
        super(ApiKeys.LIST_GROUPS, 0, 5);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, ListGroupsRequest request, Responder responder) {
        ListGroupsRequestData data = request.data();
        short version = context.apiVersion();
        GroupReplies.answer(
                groups.listGroups(
                        version >= 4 ? data.statesFilter() : List.of(), version >= 5 ? data.typesFilter() : List.of()),
                context,
                request,
                responder);
    }
}
