package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.CoordinatorExecutor;
import java.util.HashMap;
import java.util.Map;

/**
 * Named delayed tasks on the coordinator executor ("heartbeat-g-m", "join-g", ...): scheduling
 * a name again replaces its previous task, so a heartbeat simply pushes its member's expiry back.
 * Confined to the coordinator thread.
 */
final class Timers {

    private final CoordinatorExecutor executor;
    private final Map<String, Entry> timers = new HashMap<>();

    Timers(CoordinatorExecutor executor) {
        this.executor = executor;
    }

    /** Schedules {@code task} under {@code key} in {@code delayMs}, replacing any earlier one. */
    void schedule(String key, long delayMs, Runnable task) {
        cancel(key);
        Entry entry = new Entry();
        timers.put(key, entry);
        entry.handle = executor.schedule(
                () -> {
                    if (timers.get(key) == entry) {
                        timers.remove(key);
                        task.run();
                    }
                },
                delayMs);
    }

    void cancel(String key) {
        Entry entry = timers.remove(key);
        if (entry != null && entry.handle != null) {
            entry.handle.cancel();
        }
    }

    private static final class Entry {
        CoordinatorExecutor.Cancellable handle;
    }
}
