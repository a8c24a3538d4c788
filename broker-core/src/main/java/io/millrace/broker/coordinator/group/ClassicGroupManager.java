package io.millrace.broker.coordinator.group;

import static io.millrace.broker.coordinator.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.millrace.broker.coordinator.group.ClassicGroupState.EMPTY;
import static io.millrace.broker.coordinator.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.millrace.broker.coordinator.group.ClassicGroupState.STABLE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup of classic groups, with Kafka's rules: member
 * ids handed out by the coordinator (MEMBER_ID_REQUIRED from JoinGroup v4), static members that
 * rejoin under a new id and fence the old one, the leader's assignment stored before it is handed
 * out, and generations checked on every call. Confined to the coordinator thread.
 */
final class ClassicGroupManager {

    private static final Logger log = LoggerFactory.getLogger(ClassicGroupManager.class);

    private final CoordinatorContext ctx;
    private final ClassicRebalance rebalance;

    ClassicGroupManager(CoordinatorContext ctx) {
        this.ctx = ctx;
        this.rebalance = new ClassicRebalance(ctx);
    }

    ClassicRebalance rebalance() {
        return rebalance;
    }

    void join(ClientInfo client, JoinGroupRequestData request, CompletableFuture<JoinGroupResponseData> future) {
        String memberId = request.memberId();
        int session = request.sessionTimeoutMs();
        if (session < ctx.config.minSessionTimeoutMs() || session > ctx.config.maxSessionTimeoutMs()) {
            future.complete(ClassicGroup.joinError(memberId, Errors.INVALID_SESSION_TIMEOUT));
            return;
        }
        boolean unknownMember = memberId.isEmpty();
        ClassicGroup group;
        try {
            group = classicGroup(request.groupId(), unknownMember);
        } catch (ApiException e) {
            future.complete(ClassicGroup.joinError(memberId, Errors.forException(e)));
            return;
        }
        if (group == null) {
            future.complete(ClassicGroup.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        List<ClassicMember.Protocol> protocols = protocols(request);
        if (!acceptJoiningMember(group, memberId)) {
            ClassicMember existing = group.member(memberId);
            if (existing != null) {
                rebalance.removeMemberAndUpdate(group, existing, "member " + memberId + " exceeds group.max.size");
            }
            log.info(
                    "Group {} is full ({} members, group.max.size={}); rejected a JoinGroup from {}",
                    group.groupId(),
                    group.size(),
                    ctx.config.maxGroupSize(),
                    client.clientId());
            future.complete(ClassicGroup.joinError("", Errors.GROUP_MAX_SIZE_REACHED));
        } else if (!group.supportsProtocols(request.protocolType(), protocols)) {
            future.complete(ClassicGroup.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
        } else if (unknownMember) {
            joinNewMember(client, request, protocols, group, future);
        } else {
            joinExistingMember(client, request, protocols, group, future);
        }
    }

    private void joinNewMember(
            ClientInfo client,
            JoinGroupRequestData request,
            List<ClassicMember.Protocol> protocols,
            ClassicGroup group,
            CompletableFuture<JoinGroupResponseData> future) {
        String instanceId = request.groupInstanceId();
        String newMemberId = ClassicGroup.newMemberId(client.clientId(), instanceId);
        if (instanceId != null) {
            String existing = group.staticMemberId(instanceId);
            if (existing != null) {
                log.info(
                        "Group {}: static member with instance id {} rejoined; member {} replaces {}",
                        group.groupId(),
                        instanceId,
                        newMemberId,
                        existing);
                replaceStaticMember(client, request, protocols, group, existing, newMemberId, future);
            } else {
                addMemberAndRebalance(client, request, protocols, group, newMemberId, future);
            }
        } else if (client.apiVersion() >= 4) {
            // The member must come back with this id; until then it is pending and expires with its session.
            group.addPending(newMemberId);
            rebalance.schedulePendingMemberExpiry(group, newMemberId, request.sessionTimeoutMs());
            future.complete(ClassicGroup.joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMemberAndRebalance(client, request, protocols, group, newMemberId, future);
        }
    }

    private void joinExistingMember(
            ClientInfo client,
            JoinGroupRequestData request,
            List<ClassicMember.Protocol> protocols,
            ClassicGroup group,
            CompletableFuture<JoinGroupResponseData> future) {
        String memberId = request.memberId();
        if (group.isPending(memberId)) {
            if (request.groupInstanceId() != null) {
                future.complete(ClassicGroup.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            addMemberAndRebalance(client, request, protocols, group, memberId, future);
            return;
        }
        try {
            group.validateMember(memberId, request.groupInstanceId());
        } catch (ApiException e) {
            future.complete(ClassicGroup.joinError(memberId, Errors.forException(e)));
            return;
        }
        ClassicMember member = group.member(memberId);
        String reason = joinReason(request);
        switch (group.state()) {
            case PREPARING_REBALANCE ->
                updateMemberAndRebalance(
                        request, protocols, group, member, "member " + memberId + " rejoined (" + reason + ")", future);
            case COMPLETING_REBALANCE -> {
                if (member.matches(protocols)) {
                    // The member lost our JoinGroup response: send it again.
                    future.complete(group.joinResponse(memberId, group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(
                            request,
                            protocols,
                            group,
                            member,
                            "member " + memberId + " changed its metadata (" + reason + ")",
                            future);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(protocols)) {
                    // A leader's JoinGroup always rebalances: it may have seen a topic change.
                    updateMemberAndRebalance(
                            request,
                            protocols,
                            group,
                            member,
                            (group.isLeader(memberId) ? "leader " : "member ") + memberId + " rejoined (" + reason
                                    + ")",
                            future);
                } else {
                    future.complete(group.joinResponse(memberId, false));
                }
            }
            default -> future.complete(ClassicGroup.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMemberAndRebalance(
            ClientInfo client,
            JoinGroupRequestData request,
            List<ClassicMember.Protocol> protocols,
            ClassicGroup group,
            String memberId,
            CompletableFuture<JoinGroupResponseData> future) {
        ClassicMember member = new ClassicMember(
                memberId,
                request.groupInstanceId(),
                client.clientId(),
                client.clientHost(),
                request.rebalanceTimeoutMs(),
                request.sessionTimeoutMs(),
                request.protocolType(),
                protocols);
        member.setNew(true);
        if (group.is(PREPARING_REBALANCE) && group.previousState() == EMPTY) {
            group.setNewMemberAdded(true);
        }
        group.add(member, future);
        // A new member cannot heartbeat while its JoinGroup is parked; bound how long it may stay parked.
        rebalance.rescheduleHeartbeat(group, member, ctx.config.newMemberJoinTimeoutMs());
        rebalance.maybePrepareRebalanceOrCompleteJoin(
                group, "new member " + member + " joined (" + joinReason(request) + ")");
    }

    private void updateMemberAndRebalance(
            JoinGroupRequestData request,
            List<ClassicMember.Protocol> protocols,
            ClassicGroup group,
            ClassicMember member,
            String reason,
            CompletableFuture<JoinGroupResponseData> future) {
        group.updateMember(member, protocols, request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), future);
        rebalance.maybePrepareRebalanceOrCompleteJoin(group, reason);
    }

    private void replaceStaticMember(
            ClientInfo client,
            JoinGroupRequestData request,
            List<ClassicMember.Protocol> protocols,
            ClassicGroup group,
            String oldMemberId,
            String newMemberId,
            CompletableFuture<JoinGroupResponseData> future) {
        String oldLeader = group.leaderId();
        ClassicMember member = group.replaceStaticMember(request.groupInstanceId(), oldMemberId, newMemberId);
        ctx.timers.cancel(ClassicRebalance.heartbeatKey(group.groupId(), oldMemberId));
        rebalance.rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
        List<ClassicMember.Protocol> oldProtocols = member.protocols();
        int oldRebalanceTimeout = member.rebalanceTimeoutMs();
        int oldSessionTimeout = member.sessionTimeoutMs();
        group.updateMember(member, protocols, request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), future);
        switch (group.state()) {
            case STABLE -> {
                if (!String.valueOf(group.protocolName()).equals(group.selectProtocol())) {
                    rebalance.maybePrepareRebalanceOrCompleteJoin(
                            group,
                            "static member " + member + " rejoined with protocols that change the group's protocol");
                    return;
                }
                // Same protocol: no rebalance, only the new member id is stored.
                ctx.writer.write(group.partition(), List.of(group.snapshot(Map.of())), error -> {
                    if (!ctx.isCurrent(group) || group.member(newMemberId) != member) {
                        return;
                    }
                    if (error != Errors.NONE) {
                        log.warn(
                                "Group {}: could not store the new member id {} of static member {} ({}); "
                                        + "reverting to {}",
                                group.groupId(),
                                newMemberId,
                                request.groupInstanceId(),
                                error,
                                oldMemberId);
                        group.updateMember(member, oldProtocols, oldRebalanceTimeout, oldSessionTimeout, null);
                        ClassicMember reverted =
                                group.replaceStaticMember(request.groupInstanceId(), newMemberId, oldMemberId);
                        rebalance.rescheduleHeartbeat(group, reverted, reverted.sessionTimeoutMs());
                        return;
                    }
                    boolean leader = group.isLeader(newMemberId);
                    JoinGroupResponseData response;
                    if (client.apiVersion() >= 9) {
                        response = group.joinResponse(newMemberId, leader).setSkipAssignment(leader);
                    } else {
                        response = group.joinResponse(newMemberId, false).setLeader(oldLeader);
                    }
                    group.completeJoin(member, response);
                });
            }
            case COMPLETING_REBALANCE ->
                rebalance.prepareRebalance(
                        group,
                        "static member " + member
                                + " rejoined while the leader was assigning; the old member id may be in that assignment");
            default -> rebalance.maybeCompleteJoinPhase(group);
        }
    }

    void sync(SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> future) {
        ClassicGroup group = existing(request.groupId());
        Errors error = group == null ? Errors.UNKNOWN_MEMBER_ID : validateSync(group, request);
        if (error != Errors.NONE) {
            future.complete(syncError(error));
            return;
        }
        String memberId = request.memberId();
        switch (group.state()) {
            case EMPTY -> future.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
            case PREPARING_REBALANCE -> future.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                ClassicMember member = group.member(memberId);
                if (member.isAwaitingSync()) {
                    group.completeSync(member, syncError(Errors.REBALANCE_IN_PROGRESS));
                }
                member.setSyncFuture(future);
                rebalance.removePendingSync(group, memberId);
                if (group.isLeader(memberId)) {
                    storeLeaderAssignment(group, request);
                }
            }
            case STABLE -> {
                rebalance.removePendingSync(group, memberId);
                future.complete(new SyncGroupResponseData()
                        .setErrorCode(Errors.NONE.code())
                        .setProtocolType(group.rawProtocolType())
                        .setProtocolName(group.protocolName())
                        .setAssignment(group.member(memberId).assignment()));
            }
            default -> future.complete(syncError(Errors.COORDINATOR_NOT_AVAILABLE));
        }
    }

    /** Stores the leader's assignment, then hands it out (or, if the write fails, makes the group rebalance). */
    private void storeLeaderAssignment(ClassicGroup group, SyncGroupRequestData request) {
        Map<String, byte[]> assignments = new HashMap<>();
        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        List<String> missing = new ArrayList<>();
        for (ClassicMember m : group.members()) {
            if (!assignments.containsKey(m.memberId())) {
                assignments.put(m.memberId(), ClassicMember.EMPTY_ASSIGNMENT);
                missing.add(m.memberId());
            }
        }
        if (!missing.isEmpty()) {
            log.warn(
                    "Group {}: the leader's assignment for generation {} names no partitions for members {}",
                    group.groupId(),
                    group.generation(),
                    missing);
        }
        int generation = request.generationId();
        ctx.writer.write(group.partition(), List.of(group.snapshot(assignments)), error -> {
            if (!ctx.isCurrent(group) || !group.is(COMPLETING_REBALANCE) || group.generation() != generation) {
                return;
            }
            if (error != Errors.NONE) {
                Errors reported = AppendErrors.toResponseError(error);
                log.warn(
                        "Group {}: could not store the assignment of generation {} ({}); rebalancing again",
                        group.groupId(),
                        generation,
                        error);
                rebalance.resetAndPropagateAssignment(group, reported);
                rebalance.maybePrepareRebalanceOrCompleteJoin(group, "storing the assignment failed");
                return;
            }
            group.members().forEach(m -> m.setAssignment(assignments.get(m.memberId())));
            rebalance.propagateAssignment(group, Errors.NONE);
            group.transitionTo(STABLE, ctx.now());
            log.info(
                    "Group {} is stable at generation {} with {} member(s)", group.groupId(), generation, group.size());
        });
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData request) {
        try {
            group.validateMember(request.memberId(), request.groupInstanceId());
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        if (request.generationId() != group.generation()) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (inconsistent(request.protocolType(), group.rawProtocolType())
                || inconsistent(request.protocolName(), group.protocolName())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    private static boolean inconsistent(String fromRequest, String ofGroup) {
        return fromRequest != null && !fromRequest.equals(ofGroup);
    }

    HeartbeatResponseData heartbeat(String groupId, String memberId, String instanceId, int generationId) {
        ClassicGroup group = existing(groupId);
        if (group == null) {
            return new HeartbeatResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
        }
        try {
            group.validateMember(memberId, instanceId);
        } catch (ApiException e) {
            return new HeartbeatResponseData()
                    .setErrorCode(Errors.forException(e).code());
        }
        if (generationId != group.generation()) {
            return new HeartbeatResponseData().setErrorCode(Errors.ILLEGAL_GENERATION.code());
        }
        ClassicMember member = group.member(memberId);
        return switch (group.state()) {
            case EMPTY -> new HeartbeatResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
            case PREPARING_REBALANCE -> {
                rebalance.rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
                yield new HeartbeatResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code());
            }
            case COMPLETING_REBALANCE, STABLE -> {
                rebalance.rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
                yield new HeartbeatResponseData().setErrorCode(Errors.NONE.code());
            }
            default -> new HeartbeatResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        };
    }

    /** LeaveGroup for a batch of members (by member id, or by instance id alone for admin removal). */
    LeaveGroupResponseData leave(String groupId, List<MemberIdentity> leaving) {
        ClassicGroup group = existing(groupId);
        if (group == null) {
            return new LeaveGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
        }
        List<MemberResponse> responses = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (MemberIdentity m : leaving) {
            Errors error = leaveOne(group, m);
            responses.add(new MemberResponse()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setErrorCode(error.code()));
            if (error == Errors.NONE) {
                left.add(m.memberId().isEmpty() ? m.groupInstanceId() : m.memberId());
            }
        }
        if (!left.isEmpty()) {
            if (group.is(STABLE) || group.is(COMPLETING_REBALANCE)) {
                rebalance.maybePrepareRebalanceOrCompleteJoin(group, "members " + left + " left the group");
            } else if (group.is(PREPARING_REBALANCE)) {
                rebalance.maybeCompleteJoinPhase(group);
            }
        }
        return new LeaveGroupResponseData().setErrorCode(Errors.NONE.code()).setMembers(responses);
    }

    private Errors leaveOne(ClassicGroup group, MemberIdentity identity) {
        String memberId = identity.memberId();
        String instanceId = identity.groupInstanceId();
        String reason = identity.reason() == null ? "not given" : identity.reason();
        if (memberId.isEmpty()) {
            String staticId = instanceId == null ? null : group.staticMemberId(instanceId);
            if (staticId == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            memberId = staticId;
        } else if (group.isPending(memberId)) {
            group.removePending(memberId);
            ctx.timers.cancel(ClassicRebalance.heartbeatKey(group.groupId(), memberId));
            log.info("Group {}: pending member {} left (reason: {})", group.groupId(), memberId, reason);
            return Errors.NONE;
        } else {
            try {
                group.validateMember(memberId, instanceId);
            } catch (ApiException e) {
                return Errors.forException(e);
            }
        }
        ClassicMember member = group.member(memberId);
        log.info("Group {}: member {} left (reason: {})", group.groupId(), member, reason);
        ctx.timers.cancel(ClassicRebalance.heartbeatKey(group.groupId(), memberId));
        rebalance.failParked(group, member, Errors.UNKNOWN_MEMBER_ID);
        group.remove(memberId);
        return Errors.NONE;
    }

    /** After loading: members of a stable group must heartbeat within their session timeout. */
    void onLoaded(ClassicGroup group) {
        for (ClassicMember m : group.members()) {
            rebalance.rescheduleHeartbeat(group, m, m.sessionTimeoutMs());
        }
        if (group.size() > ctx.config.maxGroupSize()) {
            rebalance.prepareRebalance(
                    group,
                    "the loaded group has " + group.size() + " members, more than " + "group.max.size="
                            + ctx.config.maxGroupSize());
        }
    }

    private boolean acceptJoiningMember(ClassicGroup group, String memberId) {
        int max = ctx.config.maxGroupSize();
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE ->
                (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
                        || group.awaitingJoinCount() < max;
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.size() < max;
        };
    }

    /** The classic group, created when {@code create}; consumer groups without members are converted. */
    private ClassicGroup classicGroup(String groupId, boolean create) {
        Group g = ctx.store.get(groupId);
        if (g instanceof ClassicGroup c) {
            return c;
        }
        if (g instanceof ConsumerGroup cg) {
            if (!cg.isEmpty() || !create) {
                throw Errors.INCONSISTENT_GROUP_PROTOCOL.exception("Group " + groupId + " uses the consumer "
                        + "(KIP-848) protocol; its members must use group.protocol=consumer");
            }
            List<GroupRecord> tombstones = new ArrayList<>();
            cg.addTombstones(tombstones);
            ctx.store.remove(groupId);
            ctx.writer.write(cg.partition(), tombstones, e -> {});
            log.info("Empty consumer-protocol group {} becomes a classic group", groupId);
        }
        if (!create) {
            return null;
        }
        ClassicGroup created = new ClassicGroup(groupId, ctx.store.partitionFor(groupId), ctx.now());
        ctx.store.put(created);
        return created;
    }

    private ClassicGroup existing(String groupId) {
        return ctx.store.get(groupId) instanceof ClassicGroup c ? c : null;
    }

    private static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(ClassicMember.EMPTY_ASSIGNMENT);
    }

    private static List<ClassicMember.Protocol> protocols(JoinGroupRequestData request) {
        List<ClassicMember.Protocol> out = new ArrayList<>();
        for (JoinGroupRequestProtocol p : request.protocols()) {
            out.add(new ClassicMember.Protocol(p.name(), p.metadata()));
        }
        return out;
    }

    /** The reason a client gave for joining (v8+), for log lines. */
    private static String joinReason(JoinGroupRequestData request) {
        return request.reason() == null || request.reason().isEmpty() ? "no reason given" : request.reason();
    }
}
