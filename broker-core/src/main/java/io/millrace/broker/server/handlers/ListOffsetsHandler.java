package io.millrace.broker.server.handlers;

import io.millrace.broker.log.TimestampOffset;
import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.Optional;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/**
 * ListOffsets: earliest (and earliest-local, the same here: there is no tiered storage),
 * latest (the high watermark, or for read_committed the last stable offset), max timestamp, and
 * the first offset whose timestamp is at or after a given time. The tiered-storage queries answer "unknown" (-1), as Kafka does without remote storage.
 */
public final class ListOffsetsHandler extends VersionedHandler<ListOffsetsRequest> {

    private final TopicManager topics;

    public ListOffsetsHandler(TopicManager topics) {
        super(ApiKeys.LIST_OFFSETS, 1, 11);
        this.topics = topics;
    }

    @Override
    public void handle(RequestContext context, ListOffsetsRequest request, Responder responder) {
        ListOffsetsRequestData data = request.data();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
            ListOffsetsTopicResponse tr = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(tr);
            Optional<TopicState> state = topics.topic(topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition lp : topic.partitions()) {
                ListOffsetsPartitionResponse pr = new ListOffsetsPartitionResponse()
                        .setPartitionIndex(lp.partitionIndex())
                        .setTimestamp(RecordBatch.NO_TIMESTAMP)
                        .setOffset(-1L)
                        .setLeaderEpoch(-1);
                tr.partitions().add(pr);
                Partition p = state.map(s -> s.partition(lp.partitionIndex())).orElse(null);
                Errors unavailable = RequestChecks.unavailable(p);
                if (unavailable != Errors.NONE) {
                    pr.setErrorCode(unavailable.code());
                } else if (lp.currentLeaderEpoch() >= 0 && lp.currentLeaderEpoch() != p.leaderEpoch()) {
                    pr.setErrorCode(
                            lp.currentLeaderEpoch() > p.leaderEpoch()
                                    ? Errors.UNKNOWN_LEADER_EPOCH.code()
                                    : Errors.FENCED_LEADER_EPOCH.code());
                } else {
                    lookup(p, lp.timestamp(), data.isolationLevel() == IsolationLevel.READ_COMMITTED.id(), pr);
                    if (context.apiVersion() < 4) {
                        pr.setLeaderEpoch(-1);
                    }
                }
            }
        }
        responder.respond(response);
    }

    private static void lookup(Partition p, long timestamp, boolean readCommitted, ListOffsetsPartitionResponse pr) {
        try {
            pr.setErrorCode(Errors.NONE.code());
            if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                    || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                pr.setOffset(p.logStartOffset()).setLeaderEpoch(p.leaderEpoch());
            } else if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
                pr.setOffset(readCommitted ? p.lastStableOffset() : p.highWatermark())
                        .setLeaderEpoch(p.leaderEpoch());
            } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
                found(p, p.maxTimestampOffset(), readCommitted, pr);
            } else if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP
                    || timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
                pr.setOffset(-1L);
            } else if (timestamp < 0) {
                pr.setErrorCode(Errors.INVALID_REQUEST.code());
            } else {
                found(p, p.offsetForTimestamp(timestamp), readCommitted, pr);
            }
        } catch (ApiException e) {
            pr.setErrorCode(Errors.forException(e).code());
        }
    }

    /** A read_committed client is not told about offsets at or above the last stable offset. */
    private static void found(
            Partition p, Optional<TimestampOffset> result, boolean readCommitted, ListOffsetsPartitionResponse pr) {
        long bound = readCommitted ? p.lastStableOffset() : Long.MAX_VALUE;
        result.filter(to -> to.offset() < bound)
                .ifPresent(to ->
                        pr.setTimestamp(to.timestamp()).setOffset(to.offset()).setLeaderEpoch(p.leaderEpoch()));
    }
}
