package io.millrace.broker.common;

/**
 * The source of time for everything in the broker that expires, rolls or times out.
 *
 * <p>Injected everywhere instead of calling {@link System#currentTimeMillis()} so tests can
 * drive time by hand (see {@code ManualClock} in the test sources). Implementations must be
 * thread-safe.
 */
public interface Clock {

    /** Wall-clock time in milliseconds since the epoch; used for record timestamps and retention. */
    long milliseconds();

    /** Monotonic time in nanoseconds; used for timeouts and durations. */
    long nanoseconds();

    /** The real clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
