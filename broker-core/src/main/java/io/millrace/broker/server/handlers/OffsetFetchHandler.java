package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch (v1-10): one group before v8, several from v8, topics by id from v10, members of
 * consumer-protocol groups checked from v9. Partitions without a committed offset get -1. Only
 * durable commits are returned. With {@code RequireStable} (v7+, KIP-447) a partition whose offset
 * was committed in a transaction that is still open answers UNSTABLE_OFFSET_COMMIT, which the
 * consumer retries.
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
        List<OffsetFetchRequestGroup> requested = request.groups();
        GroupReplies.answer(
                groups.fetchOffsets(
                        requested,
                        OffsetFetchRequest.useTopicIds(version),
                        version >= 7 && request.data().requireStable()),
                context,
                request,
                responder,
                fetched -> {
                    List<OffsetFetchResponseGroup> answer = new ArrayList<>(fetched.size());
                    for (int i = 0; i < fetched.size(); i++) {
                        OffsetFetchResponseGroup g = fetched.get(i);
                        // A group-level error is reported per partition before v2; groupError builds that form.
                        answer.add(
                                g.errorCode() == Errors.NONE.code()
                                        ? g
                                        : OffsetFetchResponse.groupError(
                                                requested.get(i), Errors.forCode(g.errorCode()), version));
                    }
                    return new OffsetFetchResponse.Builder(answer)
                            .build(version)
                            .data();
                });
    }
}
