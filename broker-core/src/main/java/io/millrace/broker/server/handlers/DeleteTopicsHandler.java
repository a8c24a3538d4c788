package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;

/**
 * DeleteTopics by name, or (v6) by topic id. The topic disappears at once; its files are
 * moved aside and removed after {@code file.delete.delay.ms}. Runs on the admin executor.
 */
public final class DeleteTopicsHandler extends BlockingHandler<DeleteTopicsRequest> {

    private final TopicManager topics;

    public DeleteTopicsHandler(TopicManager topics, Executor adminExecutor) {
        super(ApiKeys.DELETE_TOPICS, 1, 6, adminExecutor);
        this.topics = topics;
    }

    @Override
    DeleteTopicsResponseData respond(RequestContext context, DeleteTopicsRequest request) {
        DeleteTopicsRequestData data = request.data();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<DeleteTopicsRequestData.DeleteTopicState> targets = new ArrayList<>();
        if (context.apiVersion() >= 6) {
            targets.addAll(data.topics());
        } else {
            for (String name : data.topicNames()) {
                targets.add(new DeleteTopicsRequestData.DeleteTopicState()
                        .setName(name)
                        .setTopicId(Uuid.ZERO_UUID));
            }
        }
        for (DeleteTopicsRequestData.DeleteTopicState target : targets) {
            DeletableTopicResult result = new DeletableTopicResult()
                    .setName(target.name())
                    .setTopicId(target.topicId() == null ? Uuid.ZERO_UUID : target.topicId());
            response.responses().add(result);
            boolean hasId = target.topicId() != null && !Uuid.ZERO_UUID.equals(target.topicId());
            if (hasId && target.name() != null) {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Name and topic id cannot both be given for one topic");
                continue;
            }
            Optional<TopicState> state = hasId ? topics.topic(target.topicId()) : topics.topic(target.name());
            if (state.isEmpty()) {
                result.setErrorCode(hasId ? Errors.UNKNOWN_TOPIC_ID.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage(
                                hasId
                                        ? "Topic id " + target.topicId() + " does not exist."
                                        : "Topic '" + target.name() + "' does not exist.");
                continue;
            }
            result.setName(state.get().name()).setTopicId(state.get().metadata().topicId());
            try {
                topics.delete(state.get().name());
                result.setErrorCode(Errors.NONE.code());
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
        }
        return response;
    }
}
