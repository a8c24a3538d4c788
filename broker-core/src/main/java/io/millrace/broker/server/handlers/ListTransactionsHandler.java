package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.coordinator.txn.TransactionCoordinator.TxnView;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.HashSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListTransactionsRequest;

/**
 * ListTransactions v0-2 ({@code kafka-transactions list}, Flink's lingering-transaction cleanup):
 * every transactional id, filtered by state names (unknown names are reported back), producer ids,
 * a minimum duration since the transaction started (v1) and a transactional-id regular expression
 * that must match the whole id (v2; an invalid one gets INVALID_REGULAR_EXPRESSION).
 */
public final class ListTransactionsHandler extends VersionedHandler<ListTransactionsRequest> {

    private final TransactionCoordinator transactions;

    public ListTransactionsHandler(TransactionCoordinator transactions) {
        super(ApiKeys.LIST_TRANSACTIONS, 0, 2);
        this.transactions = transactions;
    }

    @Override
    public void handle(RequestContext context, ListTransactionsRequest request, Responder responder) {
        ListTransactionsRequestData data = request.data();
        Pattern pattern = null;
        String regex = data.transactionalIdPattern();
        if (regex != null && !regex.isEmpty()) {
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                responder.respond(
                        new ListTransactionsResponseData().setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
                return;
            }
        }
        transactions.list(
                new HashSet<>(data.stateFilters()),
                new HashSet<>(data.producerIdFilters()),
                data.durationFilter(),
                pattern,
                listing -> {
                    ListTransactionsResponseData response = new ListTransactionsResponseData()
                            .setErrorCode(listing.error().code())
                            .setUnknownStateFilters(listing.unknownStates());
                    for (TxnView t : listing.transactions()) {
                        response.transactionStates()
                                .add(new ListTransactionsResponseData.TransactionState()
                                        .setTransactionalId(t.transactionalId())
                                        .setProducerId(t.producerId())
                                        .setTransactionState(t.state().displayName()));
                    }
                    responder.respond(response);
                });
    }
}
