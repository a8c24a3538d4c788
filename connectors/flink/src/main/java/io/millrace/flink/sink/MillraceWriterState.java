package io.millrace.flink.sink;

import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * What an exactly-once writer checkpoints for one space of transactional ids it owns
 * ({@link TransactionalIds}): the transactions of that space it pre-committed and has not yet seen
 * committed. A writer checkpoints one state per space it owns, and the states of one checkpoint
 * cover the spaces {@code 0 .. spaceCount-1} exactly once, so after a restore (even at another
 * parallelism) every space has exactly one owner, who aborts its lingering transactions but never
 * those the committer is about to commit. Immutable.
 *
 * @param transactionalIdPrefix the prefix of the space's ids
 * @param space the space
 * @param spaceCount how many spaces the states of the checkpoint cover
 * @param pending pre-committed transactions of the space not yet seen committed
 */
@Internal
public record MillraceWriterState(
        String transactionalIdPrefix, int space, int spaceCount, List<MillraceCommittable> pending) {

    public MillraceWriterState {
        Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        pending = List.copyOf(pending);
    }
}
