package io.millrace.flink.sink;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The transactions the committers of this JVM committed, so that a writer in the same JVM (its
 * committer usually runs chained to it) learns that a pre-committed transaction is committed
 * without asking the broker. An entry is added only after the transaction's EndTxn(commit)
 * succeeded, so a transaction listed here is committed for certain; one not listed may be committed
 * too (by a committer in another JVM, or an entry evicted), and the writer then asks the broker.
 *
 * <p>Entries are scoped (the sink uses the Flink job id): the same transactional id, producer id
 * and epoch may name another transaction of another job, or of a broker cluster started afresh.
 * At most {@value #CAPACITY} entries are kept, the oldest evicted first: a writer takes its
 * entries as it learns of them, so only those no writer of the JVM asks about pile up.
 *
 * <p>Thread-safe: committers add and writers take from their own task threads.
 */
final class CommittedTransactions {

    static final int CAPACITY = 4096;

    private static final CommittedTransactions SHARED = new CommittedTransactions();

    private final Map<Entry, Boolean> committed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Entry, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    /** The registry of this JVM (of this class loader: one per job in a Flink cluster). */
    static CommittedTransactions shared() {
        return SHARED;
    }

    /** {@code transaction} of {@code scope} was committed. */
    synchronized void committed(String scope, MillraceCommittable transaction) {
        committed.put(new Entry(scope, transaction), Boolean.TRUE);
    }

    /** Whether {@code transaction} of {@code scope} is known committed; its entry is removed. */
    synchronized boolean take(String scope, MillraceCommittable transaction) {
        return committed.remove(new Entry(scope, transaction)) != null;
    }

    private record Entry(String scope, MillraceCommittable transaction) {}
}
