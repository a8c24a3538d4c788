package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.OffsetCommitRequest;

/**
 * OffsetCommit (v2-10; topics by id from v10): answered once the offsets are durable. Members
 * commit with their generation or epoch; anyone may commit with generation -1 and no member id
 * while the group has no members.
 */
public final class OffsetCommitHandler extends VersionedHandler<OffsetCommitRequest> {

    private final GroupCoordinator groups;

    public OffsetCommitHandler(GroupCoordinator groups) {
        super(ApiKeys.OFFSET_COMMIT, 2, 10);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, OffsetCommitRequest request, Responder responder) {
        GroupReplies.answer(
                groups.commitOffsets(GroupReplies.client(context), request.data()), context, request, responder);
    }
}
