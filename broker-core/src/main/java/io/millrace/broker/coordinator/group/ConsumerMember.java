package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.MemberAssignmentState;
import io.millrace.broker.coordinator.group.GroupRecord.MemberSubscription;
import io.millrace.broker.coordinator.group.assignor.Assignment;
import java.util.List;
import java.util.Objects;

/**
 * A member of a consumer-protocol (KIP-848) group: what it subscribes to (persisted as
 * {@link MemberSubscription}) and where it is in reconciliation (persisted as
 * {@link MemberAssignmentState}). Immutable; every change makes a new instance.
 *
 * @param memberEpoch         the epoch of the member's current assignment; -2 while a static member is away
 * @param previousMemberEpoch the epoch before, accepted once more in case a response was lost
 * @param assigned            partitions the member owns and may consume
 * @param pendingRevocation   partitions it must still give up
 */
record ConsumerMember(
        String memberId,
        MemberSubscription subscription,
        int memberEpoch,
        int previousMemberEpoch,
        MemberState state,
        Assignment assigned,
        Assignment pendingRevocation) {

    /** A member that has just joined: epoch 0, nothing assigned. */
    static ConsumerMember joining(String memberId, MemberSubscription subscription) {
        return new ConsumerMember(memberId, subscription, 0, 0, MemberState.STABLE, Assignment.EMPTY, Assignment.EMPTY);
    }

    String instanceId() {
        return subscription.instanceId();
    }

    int rebalanceTimeoutMs() {
        return subscription.rebalanceTimeoutMs();
    }

    List<String> subscribedTopicNames() {
        return subscription.topicNames();
    }

    String subscribedTopicRegex() {
        return subscription.topicRegex();
    }

    MemberAssignmentState assignmentState() {
        return new MemberAssignmentState(memberEpoch, previousMemberEpoch, state, assigned, pendingRevocation);
    }

    ConsumerMember withSubscription(MemberSubscription s) {
        return new ConsumerMember(memberId, s, memberEpoch, previousMemberEpoch, state, assigned, pendingRevocation);
    }

    ConsumerMember withAssignmentState(MemberAssignmentState a) {
        return new ConsumerMember(
                memberId,
                subscription,
                a.memberEpoch(),
                a.previousMemberEpoch(),
                a.state(),
                a.assigned(),
                a.pendingRevocation());
    }

    /** The same member under another id (a static member that came back as a new consumer instance). */
    ConsumerMember withMemberId(String newMemberId) {
        return new ConsumerMember(
                newMemberId, subscription, memberEpoch, previousMemberEpoch, state, assigned, pendingRevocation);
    }

    /** Whether the subscribed topics or the regex differ from {@code other}'s. */
    boolean subscribesDifferentlyFrom(ConsumerMember other) {
        return !subscribedTopicNames().equals(other.subscribedTopicNames())
                || !Objects.equals(subscribedTopicRegex(), other.subscribedTopicRegex());
    }

    boolean isReconciledTo(int assignmentEpoch) {
        return memberEpoch == assignmentEpoch && state == MemberState.STABLE;
    }
}
