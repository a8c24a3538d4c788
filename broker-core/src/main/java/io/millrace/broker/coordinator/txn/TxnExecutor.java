package io.millrace.broker.coordinator.txn;

/**
 * Where the transaction coordinator's work runs: one task at a time, in submission order, plus
 * delayed tasks (marker retries). Every piece of coordinator state is only touched from tasks of
 * this executor (single writer), so the state needs no locks. Production:
 * {@link ThreadTxnExecutor}; unit tests run tasks by hand as a {@code ManualClock} advances.
 */
public interface TxnExecutor {

    /** Runs the task on the coordinator thread, after the tasks submitted before it. */
    void execute(Runnable task);

    /** Runs the task on the coordinator thread after {@code delayMs}. */
    void schedule(Runnable task, long delayMs);
}
