package io.millrace.flink.sink;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTransactionsResult;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/**
 * What became of pre-committed transactions, asked of the broker with DescribeTransactions (the
 * admin client's {@code describeTransactions}). Stateless.
 */
final class TransactionOutcomes {

    private TransactionOutcomes() {}

    /** Where a pre-committed transaction stands. */
    enum Outcome {
        /** Not ended yet: ongoing, or its markers are being written. */
        OPEN,
        /** Committed by the committer. */
        COMMITTED,
        /**
         * Ended without a commit: aborted, or its id was fenced (the broker's transaction timeout, or
         * another producer with the same transactional id), or the broker forgot the id.
         */
        NOT_COMMITTED
    }

    /** The outcome of each of {@code transactions}. */
    static Map<MillraceCommittable, Outcome> describe(Admin admin, Collection<MillraceCommittable> transactions)
            throws IOException {
        Map<MillraceCommittable, Outcome> outcomes = new LinkedHashMap<>();
        if (transactions.isEmpty()) {
            return outcomes;
        }
        List<String> ids = transactions.stream()
                .map(MillraceCommittable::transactionalId)
                .distinct()
                .toList();
        DescribeTransactionsResult result = admin.describeTransactions(ids);
        for (MillraceCommittable transaction : transactions) {
            outcomes.put(transaction, outcome(result, transaction));
        }
        return outcomes;
    }

    /** The outcome of {@code transaction} given the current description of its transactional id. */
    static Outcome outcome(MillraceCommittable transaction, TransactionDescription current) {
        if (current.producerId() != transaction.producerId() || current.producerEpoch() != transaction.epoch()) {
            // a newer epoch (or producer id) was handed out: the transaction was fenced and aborted
            return Outcome.NOT_COMMITTED;
        }
        if (current.state() == TransactionState.COMPLETE_COMMIT) {
            return Outcome.COMMITTED;
        }
        if (current.state() == TransactionState.COMPLETE_ABORT) {
            return Outcome.NOT_COMMITTED;
        }
        return Outcome.OPEN;
    }

    private static Outcome outcome(DescribeTransactionsResult result, MillraceCommittable transaction)
            throws IOException {
        try {
            return outcome(
                    transaction,
                    AdminAnswers.await(
                            result.description(transaction.transactionalId()),
                            "describing transaction " + transaction));
        } catch (IOException e) {
            if (e.getCause() instanceof TransactionalIdNotFoundException) {
                return Outcome.NOT_COMMITTED;
            }
            throw e;
        }
    }
}
