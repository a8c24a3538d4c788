package io.millrace.broker.coordinator.group;

import io.millrace.broker.common.Clock;

/**
 * What the group managers share: settings, time, timers, the group state, the record writer and
 * the topics. Confined to the coordinator thread (except the immutable parts).
 */
final class CoordinatorContext {

    final GroupCoordinatorConfig config;
    final Clock clock;
    final Timers timers;
    final GroupStore store;
    final RecordWriter writer;
    final TopicsView topics;

    CoordinatorContext(
            GroupCoordinatorConfig config,
            Clock clock,
            Timers timers,
            GroupStore store,
            RecordWriter writer,
            TopicsView topics) {
        this.config = config;
        this.clock = clock;
        this.timers = timers;
        this.store = store;
        this.writer = writer;
        this.topics = topics;
    }

    long now() {
        return clock.milliseconds();
    }

    /** Whether {@code group} is still the group of that id (not deleted, replaced or unloaded). */
    boolean isCurrent(Group group) {
        return store.get(group.groupId()) == group;
    }
}
