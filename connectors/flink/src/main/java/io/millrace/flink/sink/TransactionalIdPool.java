package io.millrace.flink.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The transactional ids of a writer's home space and the state of each: free, open (the writer's
 * current transaction), pending (pre-committed, handed to the committer) or settling (seen ended,
 * not yet safe to reuse). The writer takes the lowest free id for each transaction, so the ids a
 * space ever uses are bounded by the transactions in flight at once: with one checkpoint at a time
 * four ids take turns.
 *
 * <p>An id becomes free again only when no checkpoint a job may restore from still lists its
 * pending transaction for the committer. Reusing it bumps the epoch, and a committer that retried
 * the old transaction after a restore could no longer tell "already committed" from "aborted by
 * the broker". So an id seen ended in round {@code r} (the writer's r-th {@code prepareCommit}; a
 * sighting before the writer's snapshot of that round implies the committer's snapshot of that
 * checkpoint no longer lists it) becomes free once a transaction pre-committed in round
 * {@code r} or later is seen committed, which proves that a checkpoint of round {@code r} or later
 * completed.
 *
 * <p>Not thread-safe: the writer's task thread owns it.
 */
final class TransactionalIdPool {

    private final String prefix;
    private final int space;
    private final List<Slot> slots = new ArrayList<>();
    /** The current round: pre-commits now belong to it; {@link #endRound()} starts the next. */
    private long round = 1;
    /** The latest round with a pre-committed transaction seen committed; 0 for a recovered one. */
    private long latestCommittedRound = -1;

    /** A pool for {@code space}, whose {@code recoveredPending} transactions the committer may yet commit. */
    TransactionalIdPool(String prefix, int space, Collection<MillraceCommittable> recoveredPending) {
        this.prefix = prefix;
        this.space = space;
        for (MillraceCommittable committable : recoveredPending) {
            TransactionalIds.parse(prefix, committable.transactionalId())
                    .filter(id -> id.space() == space)
                    .ifPresent(id -> slot(id.n()).pending(committable, 0));
        }
    }

    /** Whether an id is free for a new transaction. */
    boolean hasFree() {
        return slots.stream().anyMatch(s -> s.state == State.FREE);
    }

    /** The lowest free id, now open; a new id when none is free. */
    String open() {
        int n = 0;
        while (n < slots.size() && slots.get(n).state != State.FREE) {
            n++;
        }
        slot(n).state = State.OPEN;
        return TransactionalIds.of(prefix, space, n);
    }

    /** The open transaction of {@code transactionalId} was handed to the committer. */
    void precommitted(MillraceCommittable committable) {
        Slot slot = slotOf(committable.transactionalId(), State.OPEN);
        slot.pending(committable, round);
    }

    /** The open transaction of {@code transactionalId} ended without reaching the committer. */
    void released(String transactionalId) {
        slotOf(transactionalId, State.OPEN).state = State.FREE;
    }

    /** The writer's {@code prepareCommit} of this round is done. */
    void endRound() {
        round++;
    }

    /** The pre-committed transactions not yet seen ended. */
    List<MillraceCommittable> pending() {
        return slots.stream()
                .filter(s -> s.state == State.PENDING)
                .map(s -> s.committable)
                .toList();
    }

    /** {@code committable}, pending here, was seen ended: {@code committed} or otherwise (aborted, fenced). */
    void ended(MillraceCommittable committable, boolean committed) {
        Slot slot = slotOf(committable.transactionalId(), State.PENDING);
        if (!slot.committable.equals(committable)) {
            throw new IllegalStateException("Pending transaction of " + committable.transactionalId() + " is "
                    + slot.committable + ", not " + committable);
        }
        if (committed) {
            latestCommittedRound = Math.max(latestCommittedRound, slot.round);
        }
        slot.state = State.SETTLING;
        slot.committable = null;
        slot.round = round;
        for (Slot s : slots) {
            if (s.state == State.SETTLING && s.round <= latestCommittedRound) {
                s.state = State.FREE;
            }
        }
    }

    /** How many ids the space has used. */
    int size() {
        return slots.size();
    }

    private Slot slot(int n) {
        while (slots.size() <= n) {
            slots.add(new Slot());
        }
        return slots.get(n);
    }

    private Slot slotOf(String transactionalId, State expected) {
        Slot slot = TransactionalIds.parse(prefix, transactionalId)
                .filter(id -> id.space() == space && id.n() < slots.size())
                .map(id -> slots.get(id.n()))
                .orElseThrow(() -> new IllegalArgumentException(transactionalId + " is not an id of this pool"));
        if (slot.state != expected) {
            throw new IllegalStateException(transactionalId + " is " + slot.state + ", not " + expected);
        }
        return slot;
    }

    private enum State {
        FREE,
        OPEN,
        PENDING,
        SETTLING
    }

    /** One id: its state, and the pending transaction with its round, or the round it was seen ended. */
    private static final class Slot {
        State state = State.FREE;
        MillraceCommittable committable;
        long round;

        void pending(MillraceCommittable pendingCommittable, long pendingRound) {
            state = State.PENDING;
            committable = pendingCommittable;
            round = pendingRound;
        }
    }
}
