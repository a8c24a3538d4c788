package io.millrace.flink.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the transactions an earlier run of the sink left open in the spaces a writer owns: those
 * of a writer that failed, was cancelled or was killed before it could abort, and which would
 * otherwise hold back every {@code read_committed} reader of their partitions until the broker's
 * transaction timeout. They are found with ListTransactions (ongoing, ids of the sink's prefixes)
 * and aborted by fencing their ids (InitProducerId through the admin client's
 * {@code fenceProducers}). A transaction the restored checkpoint lists for the committer is left
 * alone when its producer id and epoch (DescribeTransactions) are those of the checkpoint: the
 * committer commits it. Stateless.
 */
final class LingeringTransactions {

    private static final Logger log = LoggerFactory.getLogger(LingeringTransactions.class);

    private LingeringTransactions() {}

    /**
     * Aborts the lingering transactions of {@code ownership}'s spaces.
     *
     * @return the transactional ids aborted
     */
    static List<String> abort(Admin admin, SpaceOwnership ownership) throws IOException {
        List<String> candidates = ongoingOwned(admin, ownership);
        if (candidates.isEmpty()) {
            return List.of();
        }
        Map<String, MillraceCommittable> recovered = ownership.recoveredPending().stream()
                .collect(Collectors.toMap(MillraceCommittable::transactionalId, c -> c, (a, b) -> b));
        List<MillraceCommittable> toCheck = candidates.stream()
                .filter(recovered::containsKey)
                .map(recovered::get)
                .toList();
        Set<String> forTheCommitter = TransactionOutcomes.describe(admin, toCheck).entrySet().stream()
                .filter(e -> e.getValue() == TransactionOutcomes.Outcome.OPEN)
                .map(e -> e.getKey().transactionalId())
                .collect(Collectors.toSet());
        List<String> lingering =
                candidates.stream().filter(id -> !forTheCommitter.contains(id)).toList();
        if (!lingering.isEmpty()) {
            log.info("Aborting {} lingering transaction(s) of {}: {}", lingering.size(), ownership, lingering);
            AdminAnswers.await(admin.fenceProducers(lingering).all(), "aborting lingering transactions " + lingering);
        }
        return lingering;
    }

    /** The ongoing transactions whose ids belong to a space {@code ownership} claims. */
    private static List<String> ongoingOwned(Admin admin, SpaceOwnership ownership) throws IOException {
        ListTransactionsOptions options = new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING));
        Set<String> prefixes = ownership.prefixes();
        if (prefixes.size() == 1) {
            options.filterOnTransactionalIdPattern(
                    TransactionalIds.pattern(prefixes.iterator().next()));
        }
        Collection<TransactionListing> listings =
                AdminAnswers.await(admin.listTransactions(options).all(), "listing ongoing transactions");
        List<String> owned = new ArrayList<>();
        for (TransactionListing listing : listings) {
            String id = listing.transactionalId();
            if (prefixes.stream()
                    .map(prefix -> TransactionalIds.parse(prefix, id))
                    .flatMap(Optional::stream)
                    .anyMatch(parsed -> ownership.claims(parsed.space()))) {
                owned.add(id);
            }
        }
        return owned;
    }
}
