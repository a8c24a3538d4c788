package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.List;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/**
 * LeaveGroup (v0-5): one member before v3, a batch (by member id, or by instance id alone to
 * remove static members administratively) from v3. Before v3 the member's error is the
 * top-level error.
 */
public final class LeaveGroupHandler extends VersionedHandler<LeaveGroupRequest> {

    private final GroupCoordinator groups;

    public LeaveGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.LEAVE_GROUP, 0, 5);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, LeaveGroupRequest request, Responder responder) {
        LeaveGroupRequestData data = request.data();
        short version = context.apiVersion();
        List<MemberIdentity> members =
                version >= 3 ? data.members() : List.of(new MemberIdentity().setMemberId(data.memberId()));
        GroupReplies.answer(
                groups.leaveGroup(data.groupId(), members),
                context,
                request,
                responder,
                r -> new LeaveGroupResponse(r.members(), Errors.forCode(r.errorCode()), 0, version).data());
    }
}
