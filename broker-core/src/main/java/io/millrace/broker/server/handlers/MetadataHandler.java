package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ClusterInfo;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import io.millrace.broker.stream.TopicName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata: this node as the only broker, leader of every partition; topics by name or id.
 * Missing topics are created when the client allows it and {@code auto.create.topics.enable}
 * is on; creation touches the disk, so such requests are finished on the admin executor.
 */
public final class MetadataHandler extends VersionedHandler<MetadataRequest> {

    private static final Logger log = LoggerFactory.getLogger(MetadataHandler.class);

    private final TopicManager topics;
    private final ClusterInfo cluster;
    private final boolean autoCreate;
    private final Executor adminExecutor;

    public MetadataHandler(TopicManager topics, ClusterInfo cluster, boolean autoCreate, Executor adminExecutor) {
        super(ApiKeys.METADATA, 0, 13);
        this.topics = topics;
        this.cluster = cluster;
        this.autoCreate = autoCreate;
        this.adminExecutor = adminExecutor;
    }

    @Override
    public void handle(RequestContext context, MetadataRequest request, Responder responder) {
        MetadataRequestData data = request.data();
        boolean allowCreate = autoCreate && (context.apiVersion() < 4 || data.allowAutoTopicCreation());
        boolean needsCreation = false;
        if (allowCreate && data.topics() != null) {
            for (MetadataRequestData.MetadataRequestTopic t : data.topics()) {
                if (t.name() != null && topics.topic(t.name()).isEmpty() && TopicName.isValid(t.name())) {
                    needsCreation = true;
                    break;
                }
            }
        }
        if (needsCreation) {
            BlockingWork.respondOn(adminExecutor, context, request, responder, () -> build(context, data, true));
        } else {
            responder.respond(build(context, data, false));
        }
    }

    private MetadataResponseData build(RequestContext context, MetadataRequestData data, boolean create) {
        short version = context.apiVersion();
        MetadataResponseData response =
                new MetadataResponseData().setClusterId(cluster.clusterId()).setControllerId(cluster.nodeId());
        Endpoint advertised = cluster.advertisedFor(context.listener());
        response.brokers()
                .add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(cluster.nodeId())
                        .setHost(advertised.host())
                        .setPort(advertised.port())
                        .setRack(cluster.rack()));
        boolean includeOps = version >= 8 && data.includeTopicAuthorizedOperations();
        boolean allTopics =
                data.topics() == null || (version == 0 && data.topics().isEmpty());
        if (allTopics) {
            for (TopicState state : topics.topics()) {
                response.topics().add(describe(state, includeOps));
            }
        } else {
            for (MetadataRequestData.MetadataRequestTopic requested : data.topics()) {
                response.topics().add(describeRequested(requested, create, includeOps));
            }
        }
        if (version >= 8 && version <= 10 && data.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(Ops.CLUSTER);
        }
        return response;
    }

    private MetadataResponseTopic describeRequested(
            MetadataRequestData.MetadataRequestTopic requested, boolean create, boolean includeOps) {
        String name = requested.name();
        if (name == null) {
            Uuid id = requested.topicId();
            Optional<TopicState> byId = id == null ? Optional.empty() : topics.topic(id);
            if (byId.isEmpty()) {
                return new MetadataResponseTopic()
                        .setTopicId(id == null ? Uuid.ZERO_UUID : id)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                        .setTopicAuthorizedOperations(Ops.NOT_REQUESTED);
            }
            return describe(byId.get(), includeOps);
        }
        if (!TopicName.isValid(name)) {
            return error(name, Errors.INVALID_TOPIC_EXCEPTION);
        }
        Optional<TopicState> state = topics.topic(name);
        if (state.isEmpty() && create) {
            try {
                state = topics.autoCreate(name);
            } catch (ApiException e) {
                log.info("Could not auto-create topic '{}': {}", name, e.getMessage());
                return error(name, Errors.forException(e));
            }
        }
        return state.map(s -> describe(s, includeOps)).orElseGet(() -> error(name, Errors.UNKNOWN_TOPIC_OR_PARTITION));
    }

    private static MetadataResponseTopic error(String name, Errors error) {
        return new MetadataResponseTopic()
                .setName(name)
                .setErrorCode(error.code())
                .setTopicAuthorizedOperations(Ops.NOT_REQUESTED);
    }

    private MetadataResponseTopic describe(TopicState state, boolean includeOps) {
        MetadataResponseTopic topic = new MetadataResponseTopic()
                .setName(state.name())
                .setTopicId(state.metadata().topicId())
                .setIsInternal(TopicName.isInternal(state.name()))
                .setErrorCode(Errors.NONE.code())
                .setTopicAuthorizedOperations(includeOps ? Ops.TOPIC : Ops.NOT_REQUESTED);
        int node = cluster.nodeId();
        for (int i = 0; i < state.partitions().size(); i++) {
            Partition p = state.partitions().get(i);
            boolean offline = p.isOffline();
            topic.partitions()
                    .add(new MetadataResponsePartition()
                            .setPartitionIndex(i)
                            .setErrorCode(offline ? Errors.KAFKA_STORAGE_ERROR.code() : Errors.NONE.code())
                            .setLeaderId(offline ? -1 : node)
                            .setLeaderEpoch(p.leaderEpoch())
                            .setReplicaNodes(new ArrayList<>(List.of(node)))
                            .setIsrNodes(offline ? new ArrayList<>() : new ArrayList<>(List.of(node)))
                            .setOfflineReplicas(offline ? new ArrayList<>(List.of(node)) : new ArrayList<>()));
        }
        return topic;
    }
}
