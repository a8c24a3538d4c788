package io.millrace.broker.coordinator.group;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's event loop: a single daemon thread, {@code millrace-group-coordinator}. A task
 * that throws is logged and does not stop the loop. Tasks submitted after {@link #close()} are
 * dropped (the broker is shutting down and its connections are closed already).
 */
public final class ThreadCoordinatorExecutor implements CoordinatorExecutor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ThreadCoordinatorExecutor.class);

    private final ScheduledThreadPoolExecutor executor;

    public ThreadCoordinatorExecutor() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "millrace-group-coordinator");
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
            log.debug("Group coordinator task dropped during shutdown");
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMs) {
        try {
            ScheduledFuture<?> f = executor.schedule(() -> runGuarded(task), Math.max(0, delayMs),
                TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    private static void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("Group coordinator task failed: {}", e.toString(), e);
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
