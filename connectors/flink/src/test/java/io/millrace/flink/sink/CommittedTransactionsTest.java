package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommittedTransactionsTest {

    private final CommittedTransactions committed = new CommittedTransactions();

    @Test
    void aCommittedTransactionIsKnownOnceToItsScope() {
        MillraceCommittable transaction = new MillraceCommittable("sink-0-0", 7, (short) 3);
        committed.committed("job-a", transaction);

        assertThat(committed.take("job-b", transaction)).as("another scope").isFalse();
        assertThat(committed.take("job-a", transaction)).isTrue();
        assertThat(committed.take("job-a", transaction)).as("taken already").isFalse();
    }

    @Test
    void onlyTheSameIdProducerIdAndEpochIsKnown() {
        committed.committed("job", new MillraceCommittable("sink-0-0", 7, (short) 3));

        assertThat(committed.take("job", new MillraceCommittable("sink-0-0", 7, (short) 4)))
                .isFalse();
        assertThat(committed.take("job", new MillraceCommittable("sink-0-0", 8, (short) 3)))
                .isFalse();
        assertThat(committed.take("job", new MillraceCommittable("sink-0-1", 7, (short) 3)))
                .isFalse();
    }

    @Test
    void theOldestEntriesAreEvictedBeyondTheCapacity() {
        for (int n = 0; n <= CommittedTransactions.CAPACITY; n++) {
            committed.committed("job", new MillraceCommittable("sink-0-" + n, n, (short) 0));
        }

        assertThat(committed.take("job", new MillraceCommittable("sink-0-0", 0, (short) 0)))
                .as("evicted: the writer asks the broker instead")
                .isFalse();
        assertThat(committed.take("job", new MillraceCommittable("sink-0-1", 1, (short) 0)))
                .isTrue();
        int last = CommittedTransactions.CAPACITY;
        assertThat(committed.take("job", new MillraceCommittable("sink-0-" + last, last, (short) 0)))
                .isTrue();
    }
}
