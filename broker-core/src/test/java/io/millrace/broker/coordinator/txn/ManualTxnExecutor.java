package io.millrace.broker.coordinator.txn;

import io.millrace.broker.common.ManualClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Runs coordinator tasks when the test says so; delayed tasks become due as the manual clock advances. */
final class ManualTxnExecutor implements TxnExecutor {

    private record Delayed(long dueMs, long seq, Runnable task) {
    }

    private final ManualClock clock;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final List<Delayed> delayed = new ArrayList<>();
    private long seq;

    ManualTxnExecutor(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    @Override
    public void schedule(Runnable task, long delayMs) {
        delayed.add(new Delayed(clock.milliseconds() + delayMs, seq++, task));
    }

    /** Runs queued tasks (and those they queue) until none is left. */
    void runAll() {
        Runnable task;
        while ((task = queue.poll()) != null) {
            task.run();
        }
    }

    /** Advances the clock, running due delayed tasks in time order, then everything queued. */
    void advance(long ms) {
        long target = clock.milliseconds() + ms;
        while (true) {
            runAll();
            Delayed next = delayed.stream().filter(d -> d.dueMs() <= target)
                .min(Comparator.comparingLong(Delayed::dueMs).thenComparingLong(Delayed::seq)).orElse(null);
            if (next == null) {
                break;
            }
            delayed.remove(next);
            if (next.dueMs() > clock.milliseconds()) {
                clock.advanceMs(next.dueMs() - clock.milliseconds());
            }
            next.task().run();
        }
        if (target > clock.milliseconds()) {
            clock.advanceMs(target - clock.milliseconds());
        }
        runAll();
    }
}
