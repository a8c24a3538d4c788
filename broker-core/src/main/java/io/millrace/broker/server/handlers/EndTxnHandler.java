package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.EndTxnRequest;

/**
 * EndTxn v0-4: commits or aborts the producer's transaction ({@link TransactionCoordinator#endTxn});
 * answered once the markers are durable. Version 5 belongs to transactions V2 (an epoch bump per
 * transaction), which this broker does not advertise, so it is not served either. Before v2
 * PRODUCER_FENCED is reported as INVALID_PRODUCER_EPOCH, which older clients know.
 */
public final class EndTxnHandler extends VersionedHandler<EndTxnRequest> {

    private final TransactionCoordinator transactions;

    public EndTxnHandler(TransactionCoordinator transactions) {
        super(ApiKeys.END_TXN, 0, 4);
        this.transactions = transactions;
    }

    @Override
    public void handle(RequestContext context, EndTxnRequest request, Responder responder) {
        EndTxnRequestData data = request.data();
        if (TxnErrors.refusedWithoutTransactionalId(data.transactionalId(), request, responder)) {
            return;
        }
        short version = context.apiVersion();
        transactions.endTxn(
                data.transactionalId(), data.producerId(), data.producerEpoch(), data.committed(), error -> {
                    responder.respond(new EndTxnResponseData()
                            .setErrorCode(TxnErrors.forVersion(error, version).code()));
                });
    }
}
