package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.MemberAssignmentState;
import io.millrace.broker.coordinator.group.assignor.Assignment;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;

/**
 * Moves one consumer-protocol member towards its target assignment (Kafka's
 * CurrentAssignmentBuilder), never handing out a partition another member still owns:
 * <ul>
 *   <li>partitions of its current assignment that are no longer in the target must be revoked
 *       first: the member stays at its epoch in UNREVOKED_PARTITIONS, keeping the partitions it
 *       keeps, until a heartbeat no longer lists the revoked ones as owned;</li>
 *   <li>then it moves to the target epoch with the kept partitions plus every new partition that
 *       is free; new partitions still owned by others make it UNRELEASED_PARTITIONS, and it gets
 *       them on a later heartbeat once they are released.</li>
 * </ul>
 * Partitions that stay with the member are never revoked. Stateless.
 */
final class Reconciliation {

    private Reconciliation() {}

    /**
     * @param member        the member to reconcile
     * @param targetEpoch   the epoch of the target assignment
     * @param target        the member's target assignment
     * @param ownedByOthers whether a partition is assigned to, or being revoked by, another member
     * @param owned         partitions the member reported owning in this heartbeat, or null if not reported
     * @return the member's next assignment state (possibly unchanged)
     */
    static MemberAssignmentState next(
            ConsumerMember member,
            int targetEpoch,
            Assignment target,
            BiPredicate<Uuid, Integer> ownedByOthers,
            List<TopicPartitions> owned) {
        switch (member.state()) {
            case STABLE:
                if (member.memberEpoch() == targetEpoch) {
                    return member.assignmentState();
                }
                return compute(member, targetEpoch, target, ownedByOthers);
            case UNREVOKED_PARTITIONS:
                if (stillOwnsAny(owned, member.pendingRevocation())) {
                    return member.assignmentState();
                }
                return compute(member, targetEpoch, target, ownedByOthers);
            case UNRELEASED_PARTITIONS:
            default:
                return compute(member, targetEpoch, target, ownedByOthers);
        }
    }

    private static MemberAssignmentState compute(
            ConsumerMember member, int targetEpoch, Assignment target, BiPredicate<Uuid, Integer> ownedByOthers) {
        Assignment current = member.assigned();
        Assignment kept = current.intersect(target);
        Assignment toRevoke = current.minus(target);
        Assignment toAssign = target.minus(current);
        Assignment free = toAssign.filter((t, p) -> !ownedByOthers.test(t, p));
        boolean unreleased = free.size() < toAssign.size();
        if (!toRevoke.isEmpty()) {
            // Give up first; the epoch only moves once the revocation is acknowledged.
            return new MemberAssignmentState(
                    member.memberEpoch(), member.memberEpoch(), MemberState.UNREVOKED_PARTITIONS, kept, toRevoke);
        }
        return new MemberAssignmentState(
                targetEpoch,
                member.memberEpoch(),
                unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
                kept.union(free),
                Assignment.EMPTY);
    }

    /** Whether the reported owned partitions include any of {@code revoking}; unreported counts as yes. */
    private static boolean stillOwnsAny(List<TopicPartitions> owned, Assignment revoking) {
        if (owned == null) {
            return true;
        }
        for (TopicPartitions tp : owned) {
            for (int p : tp.partitions()) {
                if (revoking.contains(tp.topicId(), p)) {
                    return true;
                }
            }
        }
        return false;
    }
}
