package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn v0-3, the producer's form (transactions V1): adds partitions to the open
 * transaction through the transaction coordinator. Partitions of unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, as in Kafka. Versions 4 and
 * 5 are the brokers' batched verification form, which a single node never sends: not advertised.
 */
public final class AddPartitionsToTxnHandler extends VersionedHandler<AddPartitionsToTxnRequest> {

    private final TopicManager topics;
    private final TransactionCoordinator transactions;

    public AddPartitionsToTxnHandler(TopicManager topics, TransactionCoordinator transactions) {
        super(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 3);
        this.topics = topics;
        this.transactions = transactions;
    }

    @Override
    public void handle(RequestContext context, AddPartitionsToTxnRequest request, Responder responder) {
        AddPartitionsToTxnRequestData data = request.data();
        String transactionalId = data.v3AndBelowTransactionalId();
        List<TopicPartition> requested = AddPartitionsToTxnRequest.getPartitions(data.v3AndBelowTopics());
        Set<TopicPartition> partitions = new LinkedHashSet<>(requested);
        Map<TopicPartition, Errors> unknown = new HashMap<>();
        for (TopicPartition tp : partitions) {
            if (topics.partition(tp.topic(), tp.partition()) == null) {
                unknown.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        if (transactionalId == null || transactionalId.isEmpty() || !unknown.isEmpty()) {
            Errors others = unknown.isEmpty() ? Errors.INVALID_REQUEST : Errors.OPERATION_NOT_ATTEMPTED;
            Map<TopicPartition, Errors> errors = new HashMap<>();
            partitions.forEach(tp -> errors.put(tp, unknown.getOrDefault(tp, others)));
            responder.respond(response(transactionalId, errors));
            return;
        }
        short version = context.apiVersion();
        transactions.addPartitions(
                transactionalId, data.v3AndBelowProducerId(), data.v3AndBelowProducerEpoch(), partitions, error -> {
                    Errors answer = TxnErrors.forVersion(error, version);
                    Map<TopicPartition, Errors> errors = new HashMap<>();
                    partitions.forEach(tp -> errors.put(tp, answer));
                    responder.respond(response(transactionalId, errors));
                });
    }

    private static AddPartitionsToTxnResponseData response(String transactionalId, Map<TopicPartition, Errors> errors) {
        return new AddPartitionsToTxnResponseData()
                .setResultsByTopicV3AndBelow(AddPartitionsToTxnResponse.resultForTransaction(
                                transactionalId == null ? "" : transactionalId, errors)
                        .topicResults());
    }
}
