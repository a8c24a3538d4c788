package io.millrace.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Polls for a condition until a deadline. Tests never sleep for a fixed time to let something
 * happen: they wait for the observable effect, and the deadline only bounds a broken run.
 */
public final class Await {

    private static final long POLL_INTERVAL_MS = 50;

    private Await() {}

    /** Waits until {@code condition} holds; fails naming {@code what} when the deadline passes. */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) {
        value(what, timeout, condition, Boolean.TRUE::equals);
    }

    /**
     * Evaluates {@code probe} until its value satisfies {@code accept} and returns that value.
     * An exception from the probe counts as "not yet"; the last one is attached to the failure.
     */
    public static <T> T value(String what, Duration timeout, Callable<T> probe, Predicate<? super T> accept) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastError = null;
        while (true) {
            try {
                last = probe.call();
                lastError = null;
                if (accept.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError failure = new AssertionError("Timed out after " + timeout + " waiting for " + what
                        + (lastError == null ? "; last value: " + last : "; last error: " + lastError));
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            pause();
        }
    }

    /** The pause between two polls; the only sleep the tests use. */
    public static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting", e);
        }
    }
}
