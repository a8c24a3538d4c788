package io.millrace.broker.coordinator.group;

import static io.millrace.broker.coordinator.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.millrace.broker.coordinator.group.ClassicGroupState.EMPTY;
import static io.millrace.broker.coordinator.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.millrace.broker.coordinator.group.ClassicGroupState.STABLE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance machinery of classic groups, as Kafka runs it: preparing a rebalance (with the
 * delayed first rebalance of an empty group), completing the join phase (dropping members that
 * did not rejoin, starting the next generation, answering every parked JoinGroup), waiting for
 * SyncGroup, handing out the leader's assignment, and the timers that expire members whose
 * session ran out. Confined to the coordinator thread.
 */
final class ClassicRebalance {

    private static final Logger log = LoggerFactory.getLogger(ClassicRebalance.class);

    private final CoordinatorContext ctx;

    ClassicRebalance(CoordinatorContext ctx) {
        this.ctx = ctx;
    }

    static String heartbeatKey(String groupId, String memberId) {
        return "hb\0" + groupId + "\0" + memberId;
    }

    static String joinKey(String groupId) {
        return "join\0" + groupId;
    }

    static String syncKey(String groupId) {
        return "sync\0" + groupId;
    }

    void maybePrepareRebalanceOrCompleteJoin(ClassicGroup group, String reason) {
        if (group.is(STABLE) || group.is(COMPLETING_REBALANCE) || group.is(EMPTY)) {
            prepareRebalance(group, reason);
        } else {
            maybeCompleteJoinPhase(group);
        }
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(COMPLETING_REBALANCE)) {
            resetAndPropagateAssignment(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.pendingSync().clear();
        ctx.timers.cancel(syncKey(group.groupId()));
        boolean initial = group.is(EMPTY);
        if (initial) {
            // A new group waits a little so that members starting together join one generation.
            int delay = ctx.config.initialRebalanceDelayMs();
            int remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
            ctx.timers.schedule(
                    joinKey(group.groupId()), delay, () -> completeInitialRebalanceOrExtend(group, delay, remaining));
        }
        group.transitionTo(PREPARING_REBALANCE, ctx.now());
        log.info("Preparing to rebalance group {} (generation {}): {}", group.groupId(), group.generation(), reason);
        if (!initial) {
            if (group.hasAllMembersJoined()) {
                completeJoin(group);
            } else {
                ctx.timers.schedule(joinKey(group.groupId()), group.rebalanceTimeoutMs(), () -> completeJoin(group));
            }
        }
    }

    /** Completes the join phase once every member rejoined, except during the delayed first rebalance. */
    void maybeCompleteJoinPhase(ClassicGroup group) {
        if (group.is(PREPARING_REBALANCE) && group.hasAllMembersJoined() && group.previousState() != EMPTY) {
            completeJoin(group);
        }
    }

    private void completeInitialRebalanceOrExtend(ClassicGroup group, int delayMs, int remainingMs) {
        if (!ctx.isCurrent(group) || !group.is(PREPARING_REBALANCE)) {
            return;
        }
        if (group.newMemberAdded() && remainingMs != 0) {
            group.setNewMemberAdded(false);
            int nextDelay = Math.min(ctx.config.initialRebalanceDelayMs(), remainingMs);
            int nextRemaining = Math.max(remainingMs - delayMs, 0);
            ctx.timers.schedule(
                    joinKey(group.groupId()),
                    nextDelay,
                    () -> completeInitialRebalanceOrExtend(group, nextDelay, nextRemaining));
        } else {
            completeJoin(group);
        }
    }

    /**
     * Ends the join phase: dynamic members that did not rejoin are removed, the next generation
     * starts and every parked JoinGroup is answered (the leader gets the member list).
     */
    void completeJoin(ClassicGroup group) {
        if (!ctx.isCurrent(group) || !group.is(PREPARING_REBALANCE)) {
            return;
        }
        ctx.timers.cancel(joinKey(group.groupId()));
        List<String> dropped = new ArrayList<>();
        for (ClassicMember m : group.notYetRejoined()) {
            if (!m.isStatic()) {
                dropped.add(m.memberId());
                failParked(group, m, Errors.UNKNOWN_MEMBER_ID);
                group.remove(m.memberId());
                ctx.timers.cancel(heartbeatKey(group.groupId(), m.memberId()));
            }
        }
        if (!dropped.isEmpty()) {
            log.info(
                    "Group {} removed members that did not rejoin within the rebalance timeout: {}",
                    group.groupId(),
                    dropped);
        }
        if (!group.maybeElectNewJoinedLeader() && group.size() > 0) {
            log.warn(
                    "Group {} could not complete its rebalance because no member rejoined; waiting another {} ms "
                            + "for members to rejoin or time out",
                    group.groupId(),
                    group.rebalanceTimeoutMs());
            ctx.timers.schedule(joinKey(group.groupId()), group.rebalanceTimeoutMs(), () -> completeJoin(group));
            return;
        }
        group.initNextGeneration(ctx.now());
        if (group.is(EMPTY)) {
            log.info("Group {} is empty now (generation {})", group.groupId(), group.generation());
            persist(group, Map.of(), "the empty generation " + group.generation());
            return;
        }
        log.info(
                "Group {} completed its join phase: generation {} with {} member(s), protocol {}, leader {}",
                group.groupId(),
                group.generation(),
                group.size(),
                group.protocolName(),
                group.leaderId());
        for (ClassicMember m : new ArrayList<>(group.members())) {
            group.completeJoin(m, group.joinResponse(m.memberId(), group.isLeader(m.memberId())));
            rescheduleHeartbeat(group, m, m.sessionTimeoutMs());
            m.setNew(false);
            group.pendingSync().add(m.memberId());
        }
        int generation = group.generation();
        ctx.timers.schedule(
                syncKey(group.groupId()), group.rebalanceTimeoutMs(), () -> expirePendingSync(group, generation));
    }

    /** Members that did not send SyncGroup within the rebalance timeout are removed. */
    private void expirePendingSync(ClassicGroup group, int generation) {
        if (!ctx.isCurrent(group) || generation != group.generation()) {
            return;
        }
        if ((group.is(COMPLETING_REBALANCE) || group.is(STABLE))
                && !group.pendingSync().isEmpty()) {
            List<String> missing = new ArrayList<>(group.pendingSync());
            for (String id : missing) {
                ClassicMember m = group.member(id);
                if (m != null) {
                    failParked(group, m, Errors.UNKNOWN_MEMBER_ID);
                }
                group.remove(id);
                ctx.timers.cancel(heartbeatKey(group.groupId(), id));
            }
            prepareRebalance(group, "members " + missing + " did not send SyncGroup within the rebalance timeout");
        }
    }

    void rescheduleHeartbeat(ClassicGroup group, ClassicMember member, long timeoutMs) {
        String memberId = member.memberId();
        ctx.timers.schedule(heartbeatKey(group.groupId(), memberId), timeoutMs, () -> expireHeartbeat(group, memberId));
    }

    void schedulePendingMemberExpiry(ClassicGroup group, String memberId, long timeoutMs) {
        ctx.timers.schedule(heartbeatKey(group.groupId(), memberId), timeoutMs, () -> expireHeartbeat(group, memberId));
    }

    private void expireHeartbeat(ClassicGroup group, String memberId) {
        if (!ctx.isCurrent(group)) {
            return;
        }
        if (group.isPending(memberId)) {
            log.info(
                    "Group {}: pending member {} did not rejoin within its session timeout and was removed",
                    group.groupId(),
                    memberId);
            group.removePending(memberId);
            if (group.is(PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
                completeJoin(group);
            }
            return;
        }
        ClassicMember member = group.member(memberId);
        if (member != null && !member.hasSatisfiedHeartbeat()) {
            log.info(
                    "Group {}: member {} missed its session timeout of {} ms and was removed",
                    group.groupId(),
                    member,
                    member.sessionTimeoutMs());
            removeMemberAndUpdate(group, member, "member " + memberId + " failed (session timeout)");
        }
    }

    /** Removes a member (expired, fenced or leaving) and rebalances the others. */
    void removeMemberAndUpdate(ClassicGroup group, ClassicMember member, String reason) {
        failParked(group, member, Errors.UNKNOWN_MEMBER_ID);
        group.remove(member.memberId());
        ctx.timers.cancel(heartbeatKey(group.groupId(), member.memberId()));
        if (group.is(STABLE) || group.is(COMPLETING_REBALANCE)) {
            maybePrepareRebalanceOrCompleteJoin(group, reason);
        } else if (group.is(PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /** Answers a member's parked JoinGroup/SyncGroup with {@code error} (it is being removed). */
    void failParked(ClassicGroup group, ClassicMember member, Errors error) {
        group.completeJoin(member, ClassicGroup.joinError("", error));
        group.completeSync(
                member,
                new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(ClassicMember.EMPTY_ASSIGNMENT));
    }

    void resetAndPropagateAssignment(ClassicGroup group, Errors error) {
        group.members().forEach(m -> m.setAssignment(ClassicMember.EMPTY_ASSIGNMENT));
        propagateAssignment(group, error);
    }

    /** Hands every member with a parked SyncGroup its assignment (or the error) and restarts its session. */
    void propagateAssignment(ClassicGroup group, Errors error) {
        for (ClassicMember m : group.members()) {
            SyncGroupResponseData response = new SyncGroupResponseData()
                    .setErrorCode(error.code())
                    .setProtocolType(error == Errors.NONE ? group.rawProtocolType() : null)
                    .setProtocolName(error == Errors.NONE ? group.protocolName() : null)
                    .setAssignment(m.assignment());
            if (group.completeSync(m, response)) {
                rescheduleHeartbeat(group, m, m.sessionTimeoutMs());
            }
        }
    }

    void removePendingSync(ClassicGroup group, String memberId) {
        group.pendingSync().remove(memberId);
        if (group.pendingSync().isEmpty() || !(group.is(COMPLETING_REBALANCE) || group.is(STABLE))) {
            ctx.timers.cancel(syncKey(group.groupId()));
        }
    }

    /** Writes the group's current generation; failures are only logged (nobody waits for this write). */
    void persist(ClassicGroup group, Map<String, byte[]> assignments, String what) {
        ctx.writer.write(group.partition(), List.of(group.snapshot(assignments)), error -> {
            if (error != Errors.NONE) {
                log.warn(
                        "Could not store {} of group {} in __consumer_offsets: {}",
                        what,
                        group.groupId(),
                        error.name());
            }
        });
    }
}
