package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.assignor.Assignment;
import java.util.List;

/**
 * One record of {@code __consumer_offsets}: a key naming what it is about and a value, or no
 * value (a tombstone) when that thing was deleted, so compaction removes it. The binary form is
 * in {@link GroupRecordSerde}.
 */
sealed interface GroupRecord {

    String groupId();

    /** The value, or null for a tombstone. */
    Object value();

    /** True when the record deletes what its key names. */
    default boolean isTombstone() {
        return value() == null;
    }

    /** A committed offset of (group, topic, partition). */
    record OffsetCommit(String groupId, String topic, int partition, OffsetAndMetadata value) implements GroupRecord {}

    /** The state of a classic group as of its last completed rebalance (Kafka's GroupMetadata). */
    record ClassicGroupMetadata(String groupId, ClassicGroupSnapshot value) implements GroupRecord {}

    /** A consumer-protocol group's epoch and the hash of its subscribed topics' metadata. */
    record ConsumerGroupMetadata(String groupId, GroupEpoch value) implements GroupRecord {}

    /** A consumer-protocol member's subscription and client details. */
    record ConsumerMemberSubscription(String groupId, String memberId, MemberSubscription value)
            implements GroupRecord {}

    /** A consumer-protocol member's target assignment. */
    record ConsumerTargetAssignment(String groupId, String memberId, Assignment value) implements GroupRecord {}

    /** The group epoch the target assignment was computed for. */
    record ConsumerTargetAssignmentEpoch(String groupId, Integer value) implements GroupRecord {}

    /** A consumer-protocol member's epochs, reconciliation state and current assignment. */
    record ConsumerCurrentAssignment(String groupId, String memberId, MemberAssignmentState value)
            implements GroupRecord {}

    /** Persisted classic group state. */
    record ClassicGroupSnapshot(
            String protocolType,
            int generation,
            String protocolName,
            String leader,
            long stateTimestampMs,
            List<ClassicMemberSnapshot> members) {
        public ClassicGroupSnapshot {
            members = List.copyOf(members);
        }
    }

    /** Persisted classic member: the metadata of the selected protocol and its assignment. */
    record ClassicMemberSnapshot(
            String memberId,
            String instanceId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            byte[] subscription,
            byte[] assignment) {}

    /** Group epoch plus a hash of (name, id, partition count) of every subscribed topic. */
    record GroupEpoch(int epoch, long metadataHash) {}

    /** What a consumer-protocol member subscribes to and how it identifies itself. */
    record MemberSubscription(
            String instanceId,
            String rackId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            List<String> topicNames,
            String topicRegex,
            String serverAssignor) {
        public MemberSubscription {
            topicNames = List.copyOf(topicNames);
        }
    }

    /** A consumer-protocol member's position in reconciliation. */
    record MemberAssignmentState(
            int memberEpoch,
            int previousMemberEpoch,
            MemberState state,
            Assignment assigned,
            Assignment pendingRevocation) {}
}
