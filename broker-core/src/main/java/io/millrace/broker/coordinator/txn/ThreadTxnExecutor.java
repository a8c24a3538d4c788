package io.millrace.broker.coordinator.txn;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator's thread, {@code millrace-txn-coordinator}. A task that throws is
 * logged and does not stop the thread. Tasks submitted after {@link #close()} are dropped (the
 * broker is shutting down and its connections are closed already).
 */
public final class ThreadTxnExecutor implements TxnExecutor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ThreadTxnExecutor.class);

    private final ScheduledThreadPoolExecutor executor;

    public ThreadTxnExecutor() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "millrace-txn-coordinator");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(() -> runGuarded(task));
        } catch (RejectedExecutionException e) {
            log.debug("Transaction coordinator task dropped during shutdown");
        }
    }

    @Override
    public void schedule(Runnable task, long delayMs) {
        try {
            executor.schedule(() -> runGuarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Delayed transaction coordinator task dropped during shutdown");
        }
    }

    private static void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("Transaction coordinator task failed: {}", e.toString(), e);
        }
    }

    /** Stops the thread, letting the task in progress finish (up to 10 s). */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
