package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;

/**
 * AddOffsetsToTxn v0-4 ({@code sendOffsetsToTransaction}): adds the group's
 * {@code __consumer_offsets} partition to the producer's transaction, so the transaction's marker
 * also decides the offsets TxnOffsetCommit writes there. Before v2 PRODUCER_FENCED is reported as
 * INVALID_PRODUCER_EPOCH.
 */
public final class AddOffsetsToTxnHandler extends VersionedHandler<AddOffsetsToTxnRequest> {

    private final TransactionCoordinator transactions;
    private final GroupCoordinator groups;
    private final String offsetsTopic;

    public AddOffsetsToTxnHandler(TransactionCoordinator transactions, GroupCoordinator groups, String offsetsTopic) {
        super(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 4);
        this.transactions = transactions;
        this.groups = groups;
        this.offsetsTopic = offsetsTopic;
    }

    @Override
    public void handle(RequestContext context, AddOffsetsToTxnRequest request, Responder responder) {
        AddOffsetsToTxnRequestData data = request.data();
        if (TxnErrors.refusedWithoutTransactionalId(data.transactionalId(), request, responder)
                || TxnErrors.refusedWithoutGroupId(data.groupId(), request, responder)) {
            return;
        }
        TopicPartition partition = new TopicPartition(offsetsTopic, groups.partitionFor(data.groupId()));
        short version = context.apiVersion();
        transactions.addPartitions(
                data.transactionalId(), data.producerId(), data.producerEpoch(), Set.of(partition), error -> {
                    responder.respond(new AddOffsetsToTxnResponseData()
                            .setErrorCode(TxnErrors.forVersion(error, version).code()));
                });
    }
}
