package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;

/**
 * CreatePartitions: grows a topic to a new total count (never shrinks). Manual assignments
 * must place every new partition on this node. Runs on the admin executor.
 */
public final class CreatePartitionsHandler extends BlockingHandler<CreatePartitionsRequest> {

    private final TopicManager topics;
    private final int nodeId;

    public CreatePartitionsHandler(TopicManager topics, int nodeId, Executor adminExecutor) {
        super(ApiKeys.CREATE_PARTITIONS, 0, 3, adminExecutor);
        this.topics = topics;
        this.nodeId = nodeId;
    }

    @Override
    CreatePartitionsResponseData respond(RequestContext context, CreatePartitionsRequest request) {
        CreatePartitionsRequestData data = request.data();
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        Set<String> duplicates = RequestChecks.duplicates(data.topics().stream()
                .map(CreatePartitionsRequestData.CreatePartitionsTopic::name)
                .toList());
        for (CreatePartitionsRequestData.CreatePartitionsTopic t : data.topics()) {
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(t.name());
            response.results().add(result);
            if (duplicates.contains(t.name())) {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Duplicate topic in the request: " + t.name());
                continue;
            }
            try {
                if (t.assignments() != null) {
                    for (CreatePartitionsRequestData.CreatePartitionsAssignment a : t.assignments()) {
                        if (a.brokerIds().size() != 1 || a.brokerIds().get(0) != nodeId) {
                            throw new InvalidReplicaAssignmentException("New partitions are assigned to brokers "
                                    + a.brokerIds() + " but the only broker is " + nodeId);
                        }
                    }
                }
                int current = topics.topic(t.name())
                        .map(s -> s.metadata().partitionCount())
                        .orElse(-1);
                if (t.assignments() != null
                        && current >= 0
                        && t.count() > current
                        && t.assignments().size() != t.count() - current) {
                    throw new InvalidReplicaAssignmentException("Increasing the partition count from " + current
                            + " to " + t.count() + " needs " + (t.count() - current) + " assignments, not "
                            + t.assignments().size());
                }
                topics.addPartitions(t.name(), t.count(), data.validateOnly());
                result.setErrorCode(Errors.NONE.code());
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
        }
        return response;
    }
}
