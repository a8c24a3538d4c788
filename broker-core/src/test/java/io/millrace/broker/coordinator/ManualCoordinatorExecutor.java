package io.millrace.broker.coordinator;

import io.millrace.broker.common.ManualClock;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;

/**
 * A coordinator executor driven by the test: tasks run when {@link #runAll()} is called, delayed
 * tasks when {@link #advance(long)} moves the {@link ManualClock} past their deadline (in deadline
 * order, running the tasks they submit after each).
 */
public final class ManualCoordinatorExecutor implements CoordinatorExecutor {

    private final ManualClock clock;
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Delayed> delayed = new PriorityQueue<>(
            Comparator.comparingLong((Delayed d) -> d.deadlineMs).thenComparingLong(d -> d.seq));
    private long seq;

    public ManualCoordinatorExecutor(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMs) {
        Delayed d = new Delayed(clock.milliseconds() + delayMs, seq++, task);
        delayed.add(d);
        return () -> {
            synchronized (this) {
                delayed.remove(d);
            }
        };
    }

    /** Runs queued tasks and delayed tasks already due (and what they queue) until none is left. */
    public void runAll() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null && !delayed.isEmpty() && delayed.peek().deadlineMs <= clock.milliseconds()) {
                    next = delayed.poll().task;
                }
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    /** Moves time forward by {@code ms}, firing due delayed tasks in order. */
    public void advance(long ms) {
        runAll();
        long target = clock.milliseconds() + ms;
        while (true) {
            Delayed due;
            synchronized (this) {
                due = delayed.peek();
                if (due == null || due.deadlineMs > target) {
                    break;
                }
                delayed.poll();
            }
            if (due.deadlineMs > clock.milliseconds()) {
                clock.advanceMs(due.deadlineMs - clock.milliseconds());
            }
            due.task.run();
            runAll();
        }
        if (target > clock.milliseconds()) {
            clock.advanceMs(target - clock.milliseconds());
        }
    }

    private record Delayed(long deadlineMs, long seq, Runnable task) {}
}
