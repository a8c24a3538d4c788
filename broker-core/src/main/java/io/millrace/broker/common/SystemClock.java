package io.millrace.broker.common;

/** {@link Clock} backed by {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
final class SystemClock implements Clock {

    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {}

    @Override
    public long milliseconds() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoseconds() {
        return System.nanoTime();
    }
}
