package io.millrace.broker.common;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Clock} that only moves when a test advances it. */
public final class ManualClock implements Clock {

    private final AtomicLong nanos;
    private final long epochOffsetMs;

    public ManualClock(long startMs) {
        this.nanos = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(startMs));
        this.epochOffsetMs = 0;
    }

    public ManualClock() {
        this(1_700_000_000_000L);
    }

    @Override
    public long milliseconds() {
        return epochOffsetMs + TimeUnit.NANOSECONDS.toMillis(nanos.get());
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    public void advance(long amount, TimeUnit unit) {
        nanos.addAndGet(unit.toNanos(amount));
    }

    public void advanceMs(long ms) {
        advance(ms, TimeUnit.MILLISECONDS);
    }
}
