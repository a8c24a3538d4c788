package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.sink.TransactionOutcomes.Outcome;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.Test;

class TransactionOutcomesTest {

    private static final MillraceCommittable TRANSACTION = new MillraceCommittable("job-0-0", 12, (short) 4);

    @Test
    void theSameProducerAndEpochTellTheTransactionsState() {
        assertThat(outcome(TransactionState.ONGOING, 12, 4)).isEqualTo(Outcome.OPEN);
        assertThat(outcome(TransactionState.PREPARE_COMMIT, 12, 4)).isEqualTo(Outcome.OPEN);
        assertThat(outcome(TransactionState.COMPLETE_COMMIT, 12, 4)).isEqualTo(Outcome.COMMITTED);
        assertThat(outcome(TransactionState.COMPLETE_ABORT, 12, 4)).isEqualTo(Outcome.NOT_COMMITTED);
    }

    @Test
    void aNewerEpochOrProducerMeansTheTransactionWasFenced() {
        assertThat(outcome(TransactionState.COMPLETE_ABORT, 12, 5)).isEqualTo(Outcome.NOT_COMMITTED);
        assertThat(outcome(TransactionState.ONGOING, 12, 6)).isEqualTo(Outcome.NOT_COMMITTED);
        assertThat(outcome(TransactionState.COMPLETE_COMMIT, 13, 0)).isEqualTo(Outcome.NOT_COMMITTED);
    }

    private static Outcome outcome(TransactionState state, long producerId, int epoch) {
        return TransactionOutcomes.outcome(
                TRANSACTION,
                new TransactionDescription(0, state, producerId, epoch, 60_000, OptionalLong.empty(), Set.of()));
    }
}
