package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;

/**
 * ConsumerGroupDescribe (v0-1) of consumer-protocol groups. Classic groups get
 * GROUP_ID_NOT_FOUND, which makes the Admin client fall back to DescribeGroups.
 */
public final class ConsumerGroupDescribeHandler extends VersionedHandler<ConsumerGroupDescribeRequest> {

    private final GroupCoordinator groups;

    public ConsumerGroupDescribeHandler(GroupCoordinator groups) {
        super(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, ConsumerGroupDescribeRequest request, Responder responder) {
        boolean includeOps = request.data().includeAuthorizedOperations();
        GroupReplies.answer(
                groups.consumerGroupDescribe(request.data().groupIds()), context, request, responder, described -> {
                    if (includeOps) {
                        described.forEach(g -> g.setAuthorizedOperations(GroupReplies.GROUP_OPS));
                    }
                    return new ConsumerGroupDescribeResponseData().setGroups(described);
                });
    }
}
