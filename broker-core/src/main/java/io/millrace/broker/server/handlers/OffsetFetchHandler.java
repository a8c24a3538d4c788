package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch (v1-10): one group before v8, several from v8, topics by id from v10, members of
 * consumer-protocol groups checked from v9. Partitions without a committed offset get -1. Only
 * durable commits are returned. There are no transactions yet, so {@code RequireStable} never
 * finds a pending commit.
 */
public final class OffsetFetchHandler extends VersionedHandler<OffsetFetchRequest> {

    private final GroupCoordinator groups;

    public OffsetFetchHandler(GroupCoordinator groups) {
        super(ApiKeys.OFFSET_FETCH, 1, 10);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, OffsetFetchRequest request, Responder responder) {
        short version = context.apiVersion();
        GroupReplies.answer(groups.fetchOffsets(request.groups(), OffsetFetchRequest.useTopicIds(version)), context,
            request, responder, r -> new OffsetFetchResponse.Builder(r).build(version).data());
    }
}
