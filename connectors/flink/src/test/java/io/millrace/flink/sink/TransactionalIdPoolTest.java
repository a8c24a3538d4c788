package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransactionalIdPoolTest {

    private short epoch;

    @Test
    void withOneCheckpointAtATimeFourIdsTakeTurnsForever() {
        TransactionalIdPool pool = new TransactionalIdPool("job", 3, List.of());
        Set<String> used = new LinkedHashSet<>();
        MillraceCommittable last = null;
        for (int round = 0; round < 100; round++) {
            // as the writer: the next transaction starts before the last checkpoint completes, and the
            // broker is asked about pending transactions only when no id is free
            if (!pool.hasFree()) {
                List<MillraceCommittable> committed = new ArrayList<>(pool.pending());
                committed.remove(last);
                followUp(pool, committed);
            }
            String id = pool.open();
            used.add(id);
            last = committable(id);
            pool.precommitted(last);
            pool.endRound();
        }
        assertThat(used).containsExactly("job-3-0", "job-3-1", "job-3-2", "job-3-3");
        assertThat(pool.size()).isEqualTo(4);
    }

    @Test
    void anIdSeenCommittedIsReusedOnlyAfterALaterPreCommittedTransactionIsSeenCommitted() {
        TransactionalIdPool pool = new TransactionalIdPool("job", 0, List.of());
        MillraceCommittable first = precommit(pool);
        assertThat(first.transactionalId()).isEqualTo("job-0-0");

        followUp(pool, List.of(first)); // seen committed before the next round's snapshot
        MillraceCommittable second = precommit(pool);
        assertThat(second.transactionalId())
                .as("job-0-0 may still be listed by the checkpoint of round 1")
                .isEqualTo("job-0-1");

        MillraceCommittable third = precommit(pool);
        assertThat(third.transactionalId())
                .as("round 2's checkpoint, the first not listing job-0-0, is not known to be complete")
                .isEqualTo("job-0-2");

        followUp(pool, List.of(second));
        assertThat(pool.open()).isEqualTo("job-0-0");
    }

    @Test
    void anIdWhoseTransactionIsStillPendingIsNeverReused() {
        TransactionalIdPool pool = new TransactionalIdPool("job", 0, List.of());
        List<String> ids = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            ids.add(precommit(pool).transactionalId());
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(pool.pending()).hasSize(6);
    }

    @Test
    void recoveredPendingTransactionsKeepTheirIdsUntilSeenCommittedAndSafe() {
        MillraceCommittable recovered = new MillraceCommittable("job-1-0", 42, (short) 5);
        MillraceCommittable otherSpace = new MillraceCommittable("job-2-0", 43, (short) 1);
        TransactionalIdPool pool = new TransactionalIdPool("job", 1, List.of(recovered, otherSpace));
        assertThat(pool.pending()).containsExactly(recovered);

        assertThat(pool.open()).isEqualTo("job-1-1");
        pool.released("job-1-1");
        pool.ended(recovered, true);
        MillraceCommittable next = precommit(pool);
        assertThat(next.transactionalId()).isEqualTo("job-1-1");
        followUp(pool, List.of(next));
        assertThat(pool.open()).isEqualTo("job-1-0");
    }

    @Test
    void anIdWhoseTransactionWasNotCommittedIsFreedByTheSameEvidence() {
        TransactionalIdPool pool = new TransactionalIdPool("job", 0, List.of());
        MillraceCommittable lost = precommit(pool);
        pool.ended(lost, false);
        MillraceCommittable next = precommit(pool);
        assertThat(next.transactionalId()).isEqualTo("job-0-1");
        followUp(pool, List.of(next));
        assertThat(pool.open()).isEqualTo("job-0-0");
    }

    @Test
    void misuseIsRefused() {
        TransactionalIdPool pool = new TransactionalIdPool("job", 0, List.of());
        assertThatThrownBy(() -> pool.released("job-0-0")).isInstanceOf(IllegalArgumentException.class);
        String id = pool.open();
        assertThatThrownBy(() -> pool.ended(new MillraceCommittable(id, 1, (short) 0), true))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.released("other-0-0")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Opens, pre-commits and ends a round, as the writer does for a checkpoint with records. */
    private MillraceCommittable precommit(TransactionalIdPool pool) {
        MillraceCommittable committable = committable(pool.open());
        pool.precommitted(committable);
        pool.endRound();
        return committable;
    }

    private static void followUp(TransactionalIdPool pool, List<MillraceCommittable> committed) {
        for (MillraceCommittable committable : committed) {
            pool.ended(committable, true);
        }
    }

    private MillraceCommittable committable(String id) {
        return new MillraceCommittable(id, 7, epoch++);
    }
}
