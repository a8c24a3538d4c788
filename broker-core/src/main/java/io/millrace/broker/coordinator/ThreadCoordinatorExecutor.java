package io.millrace.broker.coordinator;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's event loop: a single daemon thread (named by the coordinator, e.g.
 * {@code millrace-group-coordinator}, {@code millrace-txn-coordinator}). A task
 * that throws is logged and does not stop the loop. Tasks submitted after {@link #close()} are
 * dropped (the broker is shutting down and its connections are closed already).
 */
public final class ThreadCoordinatorExecutor implements CoordinatorExecutor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ThreadCoordinatorExecutor.class);

    private final ScheduledThreadPoolExecutor executor;

    public ThreadCoordinatorExecutor(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
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
            log.debug("Coordinator task dropped during shutdown");
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMs) {
        try {
            ScheduledFuture<?> f =
                    executor.schedule(() -> runGuarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> {};
        }
    }

    private static void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("Coordinator task failed: {}", e.toString(), e);
        }
    }

    /** Stops the loop, letting the task in progress finish (up to 10 s). */
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
