package io.millrace.broker.common;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** The orderly stop of an executor at close: no new tasks, a bounded wait for the running ones. */
public final class ExecutorShutdown {

    private ExecutorShutdown() {}

    /**
     * Shuts {@code executor} down and waits up to {@code timeoutSeconds} for its tasks to finish;
     * runs {@code onTimeout} when they did not. An interrupt ends the wait early and stays set on
     * the calling thread.
     */
    public static void shutdownAndAwait(ExecutorService executor, long timeoutSeconds, Runnable onTimeout) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeoutSeconds, TimeUnit.SECONDS)) {
                onTimeout.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
