package io.millrace.broker.coordinator.group;

/** The identity every group has: its id and the {@code __consumer_offsets} partition it lives on. */
abstract sealed class AbstractGroup implements Group permits ClassicGroup, ConsumerGroup {

    private final String groupId;
    private final int partition;

    AbstractGroup(String groupId, int partition) {
        this.groupId = groupId;
        this.partition = partition;
    }

    @Override
    public final String groupId() {
        return groupId;
    }

    @Override
    public final int partition() {
        return partition;
    }
}
