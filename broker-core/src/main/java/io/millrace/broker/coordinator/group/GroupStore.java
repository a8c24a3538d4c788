package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.ClassicGroupMetadata;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerCurrentAssignment;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerGroupMetadata;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerMemberSubscription;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerTargetAssignment;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerTargetAssignmentEpoch;
import io.millrace.broker.coordinator.group.GroupRecord.OffsetCommit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * Every group and committed offset this coordinator holds, and how records change them: the same
 * {@link #replay} applies a record read back from {@code __consumer_offsets} at startup and a
 * record just produced by a live request, so memory always equals a replay of the log.
 *
 * <p>A group lives on partition {@code abs(groupId.hashCode()) % partitions} (Kafka's rule).
 * Confined to the coordinator thread.
 */
final class GroupStore {

    final OffsetStore offsets = new OffsetStore();
    final PendingTxnOffsets pendingTxnOffsets = new PendingTxnOffsets();
    private final Map<String, Group> groups = new HashMap<>();
    private final int partitions;
    private final TopicsView topics;

    GroupStore(int partitions, TopicsView topics) {
        this.partitions = partitions;
        this.topics = topics;
    }

    int partitions() {
        return partitions;
    }

    int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % partitions;
    }

    Group get(String groupId) {
        return groups.get(groupId);
    }

    void put(Group group) {
        groups.put(group.groupId(), group);
    }

    void remove(String groupId) {
        groups.remove(groupId);
    }

    /** A snapshot of all groups (safe to iterate while changing the store). */
    List<Group> all() {
        return new ArrayList<>(groups.values());
    }

    /** Groups and offsets of one partition are forgotten (before reloading it). */
    void unload(int partition) {
        groups.values().removeIf(g -> g.partition() == partition);
        pendingTxnOffsets.unload(groupId -> partitionFor(groupId) == partition);
        for (String group : new ArrayList<>(offsets.groups())) {
            if (partitionFor(group) == partition) {
                offsets.removeGroup(group);
            }
        }
    }

    /** A consumer-protocol group, replacing a classic group of that id (which must be empty). */
    ConsumerGroup consumerGroup(String groupId) {
        Group g = groups.get(groupId);
        if (g instanceof ConsumerGroup c) {
            return c;
        }
        ConsumerGroup created = new ConsumerGroup(groupId, partitionFor(groupId), topics);
        groups.put(groupId, created);
        return created;
    }

    /** An offset commit written within a transaction of {@code producerId}: pending until the marker. */
    void replayTransactional(long producerId, OffsetCommit record) {
        pendingTxnOffsets.add(producerId, record);
    }

    /**
     * The producer's transaction marker landed in {@code partition}: its pending offsets of the
     * partition's groups become committed offsets (commit) or are dropped (abort). Returns how many.
     */
    int completeTransaction(int partition, long producerId, boolean commit, long nowMs) {
        List<OffsetCommit> done = pendingTxnOffsets.complete(producerId, groupId -> partitionFor(groupId) == partition);
        if (commit) {
            done.forEach(r -> replay(r, nowMs));
        }
        return done.size();
    }

    /** Applies one record. */
    void replay(GroupRecord record, long nowMs) {
        String groupId = record.groupId();
        if (record instanceof OffsetCommit r) {
            offsets.replay(r);
            if (r.value() != null && !groups.containsKey(groupId)) {
                // Offsets without a group: a "simple" group of consumers that commit without joining.
                groups.put(groupId, new ClassicGroup(groupId, partitionFor(groupId), nowMs));
            }
        } else if (record instanceof ClassicGroupMetadata r) {
            if (r.value() == null) {
                if (groups.get(groupId) instanceof ClassicGroup) {
                    groups.remove(groupId);
                }
            } else {
                groups.put(groupId, ClassicGroup.fromSnapshot(groupId, partitionFor(groupId), r.value()));
            }
        } else if (record instanceof ConsumerGroupMetadata r) {
            if (r.value() == null) {
                if (groups.get(groupId) instanceof ConsumerGroup) {
                    groups.remove(groupId);
                }
            } else {
                consumerGroup(groupId).replay(r);
            }
        } else if (record.isTombstone() && !(groups.get(groupId) instanceof ConsumerGroup)) {
            return; // deletes part of a group that is already gone
        } else if (record instanceof ConsumerMemberSubscription r) {
            consumerGroup(groupId).replay(r);
        } else if (record instanceof ConsumerTargetAssignment r) {
            consumerGroup(groupId).replay(r);
        } else if (record instanceof ConsumerTargetAssignmentEpoch r) {
            consumerGroup(groupId).replay(r);
        } else if (record instanceof ConsumerCurrentAssignment r) {
            consumerGroup(groupId).replay(r);
        }
    }
}
