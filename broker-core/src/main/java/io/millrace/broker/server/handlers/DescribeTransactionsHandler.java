package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.coordinator.txn.TransactionCoordinator.Described;
import io.millrace.broker.coordinator.txn.TransactionCoordinator.TxnView;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;

/**
 * DescribeTransactions v0 ({@code kafka-transactions describe}): state, producer id and epoch,
 * timeout, start time and partitions of each transactional id; TRANSACTIONAL_ID_NOT_FOUND for
 * unknown ones.
 */
public final class DescribeTransactionsHandler extends VersionedHandler<DescribeTransactionsRequest> {

    private final TransactionCoordinator transactions;

    public DescribeTransactionsHandler(TransactionCoordinator transactions) {
        super(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0);
        this.transactions = transactions;
    }

    @Override
    public void handle(RequestContext context, DescribeTransactionsRequest request, Responder responder) {
        transactions.describe(new ArrayList<>(request.data().transactionalIds()), described -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            for (Described d : described) {
                TransactionState state = new TransactionState()
                        .setTransactionalId(d.transactionalId())
                        .setErrorCode(d.error().code())
                        .setTransactionState("")
                        .setProducerId(-1)
                        .setProducerEpoch((short) -1)
                        .setTransactionStartTimeMs(-1);
                if (d.view() != null) {
                    fill(state, d.view());
                }
                response.transactionStates().add(state);
            }
            responder.respond(response);
        });
    }

    private static void fill(TransactionState state, TxnView view) {
        state.setTransactionState(view.state().displayName())
                .setProducerId(view.producerId())
                .setProducerEpoch(view.producerEpoch())
                .setTransactionTimeoutMs(view.timeoutMs())
                .setTransactionStartTimeMs(view.startTimestamp());
        List<TopicPartition> sorted = new ArrayList<>(view.partitions());
        sorted.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (TopicPartition tp : sorted) {
            TopicData topic = state.topics().find(tp.topic());
            if (topic == null) {
                topic = new TopicData().setTopic(tp.topic());
                state.topics().add(topic);
            }
            topic.partitions().add(tp.partition());
        }
    }
}
