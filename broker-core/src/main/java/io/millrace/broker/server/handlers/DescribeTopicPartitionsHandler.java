package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ClusterInfo;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import io.millrace.broker.stream.TopicName;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;

/**
 * DescribeTopicPartitions (v0), what admin clients use for {@code describeTopics}: the named
 * topics (or all topics when none are named), sorted by name, with this node as leader and
 * only replica of every partition.
 *
 * <p>Paging works as in Kafka: at most {@code min(responsePartitionLimit, 2000)} partitions
 * per response; listing starts at the request's cursor (a topic name and partition index, the
 * topic having to be among the named ones); when the limit cuts the listing, {@code nextCursor}
 * names where the next request should start. Missing topics are reported with
 * UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for illegal names) and use none of the
 * limit. A partition whose storage failed has no leader, an empty ISR, this node as offline
 * replica and KAFKA_STORAGE_ERROR. There is no eligible-leader-replica state (ELR) on a single
 * node, so those lists are empty. The 2000 cap is fixed (Kafka's
 * {@code max.request.partition.size.limit} default); everything is in memory, so it runs on
 * the event loop.
 */
public final class DescribeTopicPartitionsHandler extends VersionedHandler<DescribeTopicPartitionsRequest> {

    /** Most partitions one response lists, whatever the client asks for. */
    static final int MAX_PARTITIONS_PER_RESPONSE = 2000;

    private final TopicManager topics;
    private final ClusterInfo cluster;

    public DescribeTopicPartitionsHandler(TopicManager topics, ClusterInfo cluster) {
        super(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0);
        this.topics = topics;
        this.cluster = cluster;
    }

    @Override
    public void handle(RequestContext context, DescribeTopicPartitionsRequest request, Responder responder) {
        responder.respond(describe(request.data()));
    }

    private DescribeTopicPartitionsResponseData describe(DescribeTopicPartitionsRequestData data) {
        DescribeTopicPartitionsRequestData.Cursor cursor = data.cursor();
        String cursorTopic = cursor == null ? "" : cursor.topicName();
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        Page page = new Page(response, cursor, Math.min(MAX_PARTITIONS_PER_RESPONSE, data.responsePartitionLimit()));
        if (data.topics().isEmpty()) {
            // Walks the sorted topics from the cursor on, so a page costs the same with any number of topics.
            for (TopicState state : topics.topicsFrom(cursorTopic)) {
                if (!page.add(state.name(), state)) {
                    break;
                }
            }
            return response;
        }
        TreeSet<String> names = new TreeSet<>();
        for (DescribeTopicPartitionsRequestData.TopicRequest t : data.topics()) {
            names.add(t.name());
        }
        if (cursor != null && !names.contains(cursor.topicName())) {
            return invalidCursor(data);
        }
        for (String name : names.tailSet(cursorTopic, true)) {
            if (!page.add(name, topics.topic(name).orElse(null))) {
                break;
            }
        }
        return response;
    }

    /** A response being filled, topic by topic in name order, until its partition limit. */
    private final class Page {
        private final DescribeTopicPartitionsResponseData response;
        private final DescribeTopicPartitionsRequestData.Cursor cursor;
        private int remaining;

        Page(
                DescribeTopicPartitionsResponseData response,
                DescribeTopicPartitionsRequestData.Cursor cursor,
                int limit) {
            this.response = response;
            this.cursor = cursor;
            this.remaining = limit;
        }

        /**
         * Adds the topic (null: a named topic that does not exist), or sets the next cursor when the
         * page is full; false once the page is complete.
         */
        boolean add(String name, TopicState state) {
            if (remaining == 0) {
                // Everything before this topic fitted exactly; the next page starts here.
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                return false;
            }
            if (remaining < 0) {
                return false;
            }
            if (state == null) {
                response.topics().add(missing(name));
                return true;
            }
            int start = cursor != null && name.equals(cursor.topicName()) ? Math.max(0, cursor.partitionIndex()) : 0;
            DescribeTopicPartitionsResponseTopic topic = describe(state, start, remaining);
            response.topics().add(topic);
            remaining -= topic.partitions().size();
            int next = start + topic.partitions().size();
            if (next < state.partitions().size()) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(next));
                return false;
            }
            return true;
        }
    }

    private DescribeTopicPartitionsResponseTopic describe(TopicState state, int start, int maxCount) {
        DescribeTopicPartitionsResponseTopic topic = new DescribeTopicPartitionsResponseTopic()
                .setErrorCode(Errors.NONE.code())
                .setName(state.name())
                .setTopicId(state.metadata().topicId())
                .setIsInternal(TopicName.isInternal(state.name()))
                .setTopicAuthorizedOperations(Ops.TOPIC);
        int node = cluster.nodeId();
        int end = (int) Math.min(state.partitions().size(), (long) start + maxCount);
        for (int i = start; i < end; i++) {
            Partition p = state.partitions().get(i);
            boolean offline = p.isOffline();
            topic.partitions()
                    .add(new DescribeTopicPartitionsResponsePartition()
                            .setErrorCode(offline ? Errors.KAFKA_STORAGE_ERROR.code() : Errors.NONE.code())
                            .setPartitionIndex(i)
                            .setLeaderId(offline ? -1 : node)
                            .setLeaderEpoch(p.leaderEpoch())
                            .setReplicaNodes(new ArrayList<>(List.of(node)))
                            .setIsrNodes(offline ? new ArrayList<>() : new ArrayList<>(List.of(node)))
                            .setEligibleLeaderReplicas(new ArrayList<>())
                            .setLastKnownElr(new ArrayList<>())
                            .setOfflineReplicas(offline ? new ArrayList<>(List.of(node)) : new ArrayList<>()));
        }
        return topic;
    }

    private static DescribeTopicPartitionsResponseTopic missing(String name) {
        Errors error = TopicName.isValid(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
        return new DescribeTopicPartitionsResponseTopic()
                .setErrorCode(error.code())
                .setName(name)
                .setTopicId(Uuid.ZERO_UUID)
                .setIsInternal(name != null && TopicName.isInternal(name))
                .setTopicAuthorizedOperations(Ops.TOPIC);
    }

    /** Kafka fails the whole request (every named topic gets INVALID_REQUEST) for a cursor outside the list. */
    private static DescribeTopicPartitionsResponseData invalidCursor(DescribeTopicPartitionsRequestData data) {
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (DescribeTopicPartitionsRequestData.TopicRequest t : data.topics()) {
            response.topics()
                    .add(new DescribeTopicPartitionsResponseTopic()
                            .setName(t.name())
                            .setErrorCode(Errors.INVALID_REQUEST.code())
                            .setIsInternal(false)
                            .setPartitions(new ArrayList<>()));
        }
        return response;
    }
}
