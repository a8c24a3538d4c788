package io.millrace.flink.sink;

import io.millrace.connector.transactions.TransactionResumer.ProducerSession;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * A pre-committed transaction the committer commits once its checkpoint completes: its
 * transactional id and the producer id and epoch it was written with. The three identify one
 * transaction, because the sink bumps the epoch (InitProducerId) each time it reuses an id.
 * Immutable.
 *
 * @param transactionalId {@code <prefix>-<space>-<n>}
 * @param producerId the producer id the transaction was written with
 * @param epoch the producer epoch the transaction was written with
 */
@Internal
public record MillraceCommittable(String transactionalId, long producerId, short epoch) {

    public MillraceCommittable {
        Objects.requireNonNull(transactionalId, "transactionalId");
    }

    static MillraceCommittable of(String transactionalId, ProducerSession session) {
        return new MillraceCommittable(transactionalId, session.producerId(), session.epoch());
    }

    ProducerSession session() {
        return new ProducerSession(producerId, epoch);
    }

    @Override
    public String toString() {
        return transactionalId + "(producerId=" + producerId + ", epoch=" + epoch + ")";
    }
}
