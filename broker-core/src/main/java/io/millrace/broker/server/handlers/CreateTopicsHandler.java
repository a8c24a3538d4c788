package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.DynamicBrokerConfig;
import io.millrace.broker.replication.NewTopic;
import io.millrace.broker.replication.TopicCreation;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicMetadata;
import io.millrace.broker.server.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;

/**
 * CreateTopics: validates names, partition counts, the replication factor (a single node
 * holds one replica), manual assignments (every replica list must be exactly this node) and
 * configs, then creates every valid topic of the request at once, with one durable metadata
 * commit before answering; each topic gets its own result. {@code validate_only} checks without
 * creating. From v5 the result carries the new topic's effective configuration. Runs on the admin
 * executor because creation creates directories and fsyncs.
 */
public final class CreateTopicsHandler extends BlockingHandler<CreateTopicsRequest> {

    private final TopicManager topics;
    private final TopicConfigView configView;
    private final int nodeId;

    public CreateTopicsHandler(TopicManager topics, DynamicBrokerConfig broker, Executor adminExecutor) {
        super(ApiKeys.CREATE_TOPICS, 2, 7, adminExecutor);
        this.topics = topics;
        this.configView = new TopicConfigView(broker);
        this.nodeId = broker.current().nodeId();
    }

    @Override
    CreateTopicsResponseData respond(RequestContext context, CreateTopicsRequest request) {
        CreateTopicsRequestData data = request.data();
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        Set<String> duplicates = RequestChecks.duplicates(
                data.topics().stream().map(CreatableTopic::name).toList());
        List<NewTopic> toCreate = new ArrayList<>();
        List<CreatableTopicResult> resultsToFill = new ArrayList<>();
        for (CreatableTopic t : data.topics()) {
            CreatableTopicResult result = new CreatableTopicResult()
                    .setName(t.name())
                    .setNumPartitions(-1)
                    .setReplicationFactor((short) -1)
                    .setConfigs(null);
            response.topics().add(result);
            if (duplicates.contains(t.name())) {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage(
                                "Create topics request from client contains a duplicate topic name: " + t.name());
                continue;
            }
            try {
                toCreate.add(newTopic(t, nodeId));
                resultsToFill.add(result);
            } catch (ApiException e) {
                fail(result, e);
            }
        }
        List<TopicCreation> outcomes = topics.create(toCreate, data.validateOnly());
        for (int i = 0; i < outcomes.size(); i++) {
            CreatableTopicResult result = resultsToFill.get(i);
            TopicCreation outcome = outcomes.get(i);
            if (outcome.error() != null) {
                fail(result, outcome.error());
                continue;
            }
            TopicMetadata created = outcome.topic().metadata();
            result.setErrorCode(Errors.NONE.code())
                    .setTopicId(created.topicId())
                    .setNumPartitions(created.partitionCount())
                    .setReplicationFactor((short) 1);
            if (context.apiVersion() >= 5) {
                result.setConfigs(creatableConfigs(created.configs()));
            }
        }
        return response;
    }

    private static void fail(CreatableTopicResult result, ApiException e) {
        result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
    }

    private List<CreateTopicsResponseData.CreatableTopicConfigs> creatableConfigs(Map<String, String> overrides) {
        List<CreateTopicsResponseData.CreatableTopicConfigs> result = new ArrayList<>();
        for (TopicConfigView.Entry e : configView.entries(overrides)) {
            result.add(new CreateTopicsResponseData.CreatableTopicConfigs()
                    .setName(e.name())
                    .setValue(e.value())
                    .setReadOnly(false)
                    .setConfigSource(e.source().id())
                    .setIsSensitive(false));
        }
        return result;
    }

    /** The topic the request asks for, after the checks only a request can fail (assignments, null configs). */
    private static NewTopic newTopic(CreatableTopic t, int nodeId) {
        int partitions = t.numPartitions();
        short replicationFactor = t.replicationFactor();
        if (!t.assignments().isEmpty()) {
            if (partitions != -1 || replicationFactor != -1) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                        + "were set. Both cannot be used at the same time.");
            }
            boolean[] present = new boolean[t.assignments().size()];
            for (CreateTopicsRequestData.CreatableReplicaAssignment a : t.assignments()) {
                int index = a.partitionIndex();
                if (index < 0 || index >= present.length || present[index]) {
                    throw new InvalidReplicaAssignmentException("Partitions in the assignment must be numbered "
                            + "consecutively from 0 without repeats; got partition " + index);
                }
                present[index] = true;
                if (a.brokerIds().size() != 1 || a.brokerIds().get(0) != nodeId) {
                    throw new InvalidReplicaAssignmentException("Partition " + index + " is assigned to brokers "
                            + a.brokerIds() + " but the only broker is " + nodeId);
                }
            }
            partitions = present.length;
            replicationFactor = 1;
        }
        Map<String, String> configs = new LinkedHashMap<>();
        for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
            if (c.value() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic configs: " + c.name());
            }
            configs.put(c.name(), c.value());
        }
        return new NewTopic(t.name(), partitions, replicationFactor, configs);
    }
}
