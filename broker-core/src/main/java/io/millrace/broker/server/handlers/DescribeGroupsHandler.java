package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DescribeGroupsRequest;

/**
 * DescribeGroups (v0-6) of classic groups: members, and their metadata and assignment while the
 * group is Stable. An unknown id (or a consumer-protocol group) is Dead before v6 and
 * GROUP_ID_NOT_FOUND from v6.
 */
public final class DescribeGroupsHandler extends VersionedHandler<DescribeGroupsRequest> {

    private final GroupCoordinator groups;

    public DescribeGroupsHandler(GroupCoordinator groups) {
        super(ApiKeys.DESCRIBE_GROUPS, 0, 6);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, DescribeGroupsRequest request, Responder responder) {
        short version = context.apiVersion();
        boolean includeOps = version >= 3 && request.data().includeAuthorizedOperations();
        GroupReplies.answer(
                groups.describeGroups(request.data().groups(), version), context, request, responder, described -> {
                    if (includeOps) {
                        described.forEach(g -> g.setAuthorizedOperations(GroupReplies.GROUP_OPS));
                    }
                    return new DescribeGroupsResponseData().setGroups(described);
                });
    }
}
