package io.millrace.broker.coordinator;

/**
 * Where a coordinator's work runs (the group coordinator's, the transaction coordinator's): one thread at a time, tasks in submission order,
 * plus delayed tasks for session and rebalance timeouts. Every piece of coordinator state is only
 * touched from tasks of this executor (single writer), so the state needs no locks.
 *
 * <p>Production uses {@link ThreadCoordinatorExecutor}; unit tests use a manual implementation
 * that runs tasks when told and fires delayed tasks as a {@code ManualClock} advances.
 */
public interface CoordinatorExecutor {

    /** Runs the task on the coordinator thread, after the tasks submitted before it. */
    void execute(Runnable task);

    /** Runs the task on the coordinator thread after {@code delayMs}; the handle cancels it. */
    Cancellable schedule(Runnable task, long delayMs);

    /** A delayed task that may still be cancelled. */
    interface Cancellable {
        void cancel();
    }
}
