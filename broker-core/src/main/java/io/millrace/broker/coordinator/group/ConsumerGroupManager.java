package io.millrace.broker.coordinator.group;

import static org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest.LEAVE_GROUP_MEMBER_EPOCH;
import static org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest.LEAVE_GROUP_STATIC_MEMBER_EPOCH;

import io.millrace.broker.coordinator.group.GroupRecord.ClassicGroupMetadata;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerCurrentAssignment;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerGroupMetadata;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerMemberSubscription;
import io.millrace.broker.coordinator.group.GroupRecord.GroupEpoch;
import io.millrace.broker.coordinator.group.GroupRecord.MemberAssignmentState;
import io.millrace.broker.coordinator.group.GroupRecord.MemberSubscription;
import io.millrace.broker.coordinator.group.assignor.Assignment;
import io.millrace.broker.coordinator.group.assignor.PartitionAssignor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConsumerGroupHeartbeat (KIP-848): members join with epoch 0, heartbeat with their epoch, leave
 * with -1 (or -2 for a static member that will be back). Each heartbeat
 * <ol>
 *   <li>creates or updates the member; a changed subscription, a new member or a change of the
 *       subscribed topics (created, grown, deleted) bumps the group epoch;</li>
 *   <li>recomputes the target assignment with the server-side assignor when the group epoch is
 *       ahead of it;</li>
 *   <li>reconciles the member towards its target ({@link Reconciliation}).</li>
 * </ol>
 * Every change is a record, applied to the {@link ConsumerGroup} at once and answered only once
 * durable. Members are fenced when their session times out, or when they do not revoke
 * partitions within their rebalance timeout. Confined to the coordinator thread.
 */
final class ConsumerGroupManager {

    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupManager.class);

    private final CoordinatorContext ctx;
    private final Map<String, PartitionAssignor> assignors;
    private final String defaultAssignor;
    private final TargetAssignment targets;

    ConsumerGroupManager(CoordinatorContext ctx) {
        this.ctx = ctx;
        this.assignors = TargetAssignment.assignors(ctx.config.consumerAssignors());
        this.defaultAssignor = ctx.config.consumerAssignors().get(0);
        this.targets = new TargetAssignment(ctx, assignors, defaultAssignor);
    }

    static String sessionKey(String groupId, String memberId) {
        return "cg-session\0" + groupId + "\0" + memberId;
    }

    static String rebalanceKey(String groupId, String memberId) {
        return "cg-rebalance\0" + groupId + "\0" + memberId;
    }

    void heartbeat(
            ClientInfo client,
            ConsumerGroupHeartbeatRequestData request,
            CompletableFuture<ConsumerGroupHeartbeatResponseData> future) {
        Changes changes = new Changes();
        ConsumerGroupHeartbeatResponseData response;
        ConsumerGroup group;
        try {
            validate(request, client.apiVersion());
            if (request.memberEpoch() == LEAVE_GROUP_MEMBER_EPOCH
                    || request.memberEpoch() == LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
                group = existingGroup(request.groupId());
                response = leave(group, request, changes);
            } else {
                Join join = resolve(client, request);
                group = apply(join, changes);
                response = heartbeat(group, join, client, request, changes);
            }
        } catch (ApiException e) {
            future.complete(new ConsumerGroupHeartbeatResponseData()
                    .setErrorCode(Errors.forException(e).code())
                    .setErrorMessage(e.getMessage()));
            return;
        }
        ctx.writer.write(
                group.partition(),
                changes.records,
                error -> future.complete(
                        error == Errors.NONE
                                ? response
                                : new ConsumerGroupHeartbeatResponseData()
                                        .setErrorCode(AppendErrors.toResponseError(error)
                                                .code())
                                        .setErrorMessage("the group state could not be stored: " + error.name())));
    }

    /** Who is heartbeating, found and checked before anything changes (so a refusal changes nothing). */
    private record Join(
            String groupId,
            ConsumerGroup group,
            boolean convertClassic,
            String memberId,
            ConsumerMember replacedStatic) {}

    /** Makes the group a checked join needs: converted from an empty classic group, or with a static member's new id. */
    private ConsumerGroup apply(Join join, Changes changes) {
        String groupId = join.groupId();
        String memberId = join.memberId();
        if (join.convertClassic()) {
            log.info("Empty classic group {} becomes a consumer-protocol group", groupId);
            ctx.store.remove(groupId);
            changes.add(new ClassicGroupMetadata(groupId, null));
        }
        ConsumerGroup g = join.group() != null ? join.group() : ctx.store.consumerGroup(groupId);
        if (join.replacedStatic() != null) {
            ConsumerMember old = join.replacedStatic();
            Assignment oldTarget = g.target(old.memberId());
            g.addMemberTombstones(changes.records, old.memberId());
            changes.applyAll();
            cancelTimers(groupId, old.memberId());
            ConsumerMember renamed = old.withMemberId(memberId);
            changes.add(new ConsumerMemberSubscription(groupId, memberId, renamed.subscription()));
            changes.add(new GroupRecord.ConsumerTargetAssignment(groupId, memberId, oldTarget));
            changes.add(new ConsumerCurrentAssignment(
                    groupId,
                    memberId,
                    new MemberAssignmentState(0, 0, renamed.state(), renamed.assigned(), renamed.pendingRevocation())));
            log.info(
                    "Group {}: static member {} came back as member {} and keeps its partitions",
                    groupId,
                    old.instanceId(),
                    memberId);
        }
        changes.applyAll();
        return g;
    }

    private Join resolve(ClientInfo client, ConsumerGroupHeartbeatRequestData request) {
        String groupId = request.groupId();
        int epoch = request.memberEpoch();
        Group g = ctx.store.get(groupId);
        ConsumerGroup group = null;
        boolean convert = false;
        if (g instanceof ConsumerGroup cg) {
            group = cg;
        } else if (g instanceof ClassicGroup classic) {
            if (epoch != 0 || !classic.isEmpty()) {
                throw Errors.GROUP_ID_NOT_FOUND.exception("Group " + groupId + " is a classic group with members; "
                        + "its members use group.protocol=classic and this broker does not migrate groups online");
            }
            convert = true;
        } else if (epoch != 0) {
            throw Errors.GROUP_ID_NOT_FOUND.exception("Group " + groupId + " does not exist");
        }
        String memberId = request.memberId().isEmpty() ? Uuid.randomUuid().toString() : request.memberId();
        if (group != null && group.size() >= ctx.config.consumerMaxGroupSize() && group.member(memberId) == null) {
            throw Errors.GROUP_MAX_SIZE_REACHED.exception("Group " + groupId + " has reached "
                    + "group.consumer.max.size=" + ctx.config.consumerMaxGroupSize() + " members");
        }
        String instanceId = request.instanceId();
        ConsumerMember existing = group == null ? null : group.member(memberId);
        ConsumerMember replaced = null;
        if (instanceId != null && group != null) {
            ConsumerMember holder = group.staticMember(instanceId);
            if (epoch == 0) {
                if (holder != null && !holder.memberId().equals(memberId)) {
                    if (holder.memberEpoch() != LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
                        throw Errors.UNRELEASED_INSTANCE_ID.exception("Static member " + memberId + " with instance "
                                + "id " + instanceId + " cannot join group " + groupId
                                + ": the instance id is owned by "
                                + "member " + holder.memberId());
                    }
                    replaced = holder;
                }
            } else {
                if (holder == null) {
                    throw Errors.UNKNOWN_MEMBER_ID.exception(
                            "Instance id " + instanceId + " is unknown in group " + groupId);
                }
                if (!holder.memberId().equals(memberId)) {
                    throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                            + instanceId + " was fenced by member " + holder.memberId());
                }
            }
        }
        if (epoch != 0) {
            if (existing == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group " + groupId);
            }
            checkEpoch(existing, epoch, request.topicPartitions());
        }
        return new Join(groupId, group, convert, memberId, replaced);
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(
            ConsumerGroup group,
            Join join,
            ClientInfo client,
            ConsumerGroupHeartbeatRequestData request,
            Changes changes) {
        String groupId = group.groupId();
        String memberId = join.memberId();
        ConsumerMember before = group.member(memberId);
        if (before != null
                && request.memberEpoch() == 0
                && join.replacedStatic() == null
                && (before.memberEpoch() != 0
                        || !before.assigned().isEmpty()
                        || !before.pendingRevocation().isEmpty())) {
            // A known member rejoins from scratch (after being fenced, or after losing a response): it has
            // given up its partitions, so they are free again.
            changes.add(new ConsumerCurrentAssignment(
                    groupId,
                    memberId,
                    new MemberAssignmentState(0, 0, MemberState.STABLE, Assignment.EMPTY, Assignment.EMPTY)));
            changes.applyAll();
            before = group.member(memberId);
        }
        boolean isNew = before == null;
        ConsumerMember base = isNew ? ConsumerMember.joining(memberId, ConsumerGroup.emptySubscription()) : before;
        MemberSubscription subscription = merge(base.subscription(), client, request);
        boolean bump = group.groupEpoch() == 0 || isNew;
        if (isNew || !subscription.equals(base.subscription())) {
            changes.add(new ConsumerMemberSubscription(groupId, memberId, subscription));
            bump |= base.withSubscription(subscription).subscribesDifferentlyFrom(base);
            changes.applyAll();
            if (isNew) {
                log.info(
                        "Group {}: member {} joined ({}subscribed to {})",
                        groupId,
                        memberId,
                        subscription.instanceId() == null ? "" : "instance " + subscription.instanceId() + ", ",
                        subscription.topicRegex() != null
                                ? "/" + subscription.topicRegex() + "/"
                                : subscription.topicNames());
            }
        }
        long hash = group.computeMetadataHash(group.subscribedTopicNames());
        if (bump || hash != group.metadataHash()) {
            int epoch = group.groupEpoch() + 1;
            changes.add(new ConsumerGroupMetadata(groupId, new GroupEpoch(epoch, hash)));
            changes.applyAll();
            log.info("Group {} moved to epoch {}", groupId, epoch);
        }
        if (group.groupEpoch() > group.assignmentEpoch()) {
            targets.compute(group, changes);
        }
        ConsumerMember member = group.member(memberId);
        reconcile(group, member, request.topicPartitions(), changes);
        member = group.member(memberId);
        scheduleSessionTimeout(
                groupId, memberId, "its session timed out after " + ctx.config.consumerSessionTimeoutMs() + " ms");
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(Errors.NONE.code())
                .setMemberId(memberId)
                .setMemberEpoch(member.memberEpoch())
                .setHeartbeatIntervalMs(ctx.config.consumerHeartbeatIntervalMs());
        boolean fullRequest = request.memberEpoch() == 0
                || (request.rebalanceTimeoutMs() != -1
                        && (request.subscribedTopicNames() != null || request.subscribedTopicRegex() != null)
                        && request.topicPartitions() != null);
        Assignment previous = isNew ? Assignment.EMPTY : before.assigned();
        if (fullRequest || !previous.equals(member.assigned())) {
            response.setAssignment(toResponse(member.assigned()));
        }
        return response;
    }

    private void reconcile(ConsumerGroup group, ConsumerMember member, List<TopicPartitions> owned, Changes changes) {
        int targetEpoch = group.assignmentEpoch();
        if (member.isReconciledTo(targetEpoch)) {
            return;
        }
        MemberAssignmentState next = Reconciliation.next(
                member,
                targetEpoch,
                group.target(member.memberId()),
                (t, p) -> group.ownedByOther(member.memberId(), t, p),
                owned);
        if (next.equals(member.assignmentState())) {
            return;
        }
        changes.add(new ConsumerCurrentAssignment(group.groupId(), member.memberId(), next));
        changes.applyAll();
        if (next.state() == MemberState.UNREVOKED_PARTITIONS) {
            scheduleRebalanceTimeout(
                    group.groupId(),
                    member.memberId(),
                    next.memberEpoch(),
                    member.rebalanceTimeoutMs(),
                    "it did not revoke partitions within its rebalance timeout of " + member.rebalanceTimeoutMs()
                            + " ms");
        } else {
            ctx.timers.cancel(rebalanceKey(group.groupId(), member.memberId()));
        }
    }

    private ConsumerGroupHeartbeatResponseData leave(
            ConsumerGroup group, ConsumerGroupHeartbeatRequestData request, Changes changes) {
        String memberId = request.memberId();
        String instanceId = request.instanceId();
        ConsumerMember member;
        if (instanceId == null) {
            member = group.member(memberId);
            if (member == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception(
                        "Member " + memberId + " is not a member of group " + group.groupId());
            }
        } else {
            member = group.staticMember(instanceId);
            if (member == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception(
                        "Instance id " + instanceId + " is unknown in group " + group.groupId());
            }
            if (!member.memberId().equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                        + instanceId + " was fenced by member " + member.memberId());
            }
            if (request.memberEpoch() == LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
                // Away for now: keeps its partitions until it is back or its session times out.
                changes.add(new ConsumerCurrentAssignment(
                        group.groupId(),
                        memberId,
                        new MemberAssignmentState(
                                LEAVE_GROUP_STATIC_MEMBER_EPOCH,
                                member.previousMemberEpoch(),
                                member.state(),
                                member.assigned(),
                                Assignment.EMPTY)));
                changes.applyAll();
                log.info(
                        "Group {}: static member {} (instance {}) left for now", group.groupId(), memberId, instanceId);
                return new ConsumerGroupHeartbeatResponseData()
                        .setErrorCode(Errors.NONE.code())
                        .setMemberId(memberId)
                        .setMemberEpoch(LEAVE_GROUP_STATIC_MEMBER_EPOCH);
            }
        }
        log.info("Group {}: member {} left", group.groupId(), memberId);
        removeMember(group, member, changes);
        return new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(Errors.NONE.code())
                .setMemberId(memberId)
                .setMemberEpoch(LEAVE_GROUP_MEMBER_EPOCH);
    }

    /** Removes a member whose session or rebalance timeout expired (at {@code epoch}, or any when -1). */
    private void fence(String groupId, String memberId, int epoch, String reason) {
        if (!(ctx.store.get(groupId) instanceof ConsumerGroup group)) {
            return;
        }
        ConsumerMember member = group.member(memberId);
        if (member == null || (epoch >= 0 && member.memberEpoch() != epoch)) {
            return;
        }
        log.info("Group {}: member {} was removed because {}", groupId, memberId, reason);
        Changes changes = new Changes();
        removeMember(group, member, changes);
        ctx.writer.write(group.partition(), changes.records, error -> {
            if (error != Errors.NONE) {
                log.warn("Group {}: removing member {} could not be stored: {}", groupId, memberId, error);
            }
        });
    }

    private void removeMember(ConsumerGroup group, ConsumerMember member, Changes changes) {
        String groupId = group.groupId();
        group.addMemberTombstones(changes.records, member.memberId());
        changes.applyAll();
        long hash = group.computeMetadataHash(group.subscribedTopicNames());
        changes.add(new ConsumerGroupMetadata(groupId, new GroupEpoch(group.groupEpoch() + 1, hash)));
        changes.applyAll();
        cancelTimers(groupId, member.memberId());
    }

    private void cancelTimers(String groupId, String memberId) {
        ctx.timers.cancel(sessionKey(groupId, memberId));
        ctx.timers.cancel(rebalanceKey(groupId, memberId));
    }

    /** Fences the member (whatever its epoch) unless it heartbeats within the session timeout. */
    private void scheduleSessionTimeout(String groupId, String memberId, String reason) {
        ctx.timers.schedule(
                sessionKey(groupId, memberId),
                ctx.config.consumerSessionTimeoutMs(),
                () -> fence(groupId, memberId, -1, reason));
    }

    /** Fences the member at {@code epoch} unless it revokes its partitions within its rebalance timeout. */
    private void scheduleRebalanceTimeout(String groupId, String memberId, int epoch, int timeoutMs, String reason) {
        ctx.timers.schedule(rebalanceKey(groupId, memberId), timeoutMs, () -> fence(groupId, memberId, epoch, reason));
    }

    /** After loading: every member must heartbeat within the session timeout, and revoke within its rebalance timeout. */
    void onLoaded(ConsumerGroup group) {
        for (ConsumerMember m : group.members()) {
            String groupId = group.groupId();
            String memberId = m.memberId();
            scheduleSessionTimeout(
                    groupId,
                    memberId,
                    "it did not heartbeat within the session timeout after the coordinator restarted");
            if (m.state() == MemberState.UNREVOKED_PARTITIONS) {
                scheduleRebalanceTimeout(
                        groupId,
                        memberId,
                        m.memberEpoch(),
                        m.rebalanceTimeoutMs(),
                        "it did not revoke partitions within its rebalance timeout");
            }
        }
    }

    private ConsumerGroup existingGroup(String groupId) {
        if (ctx.store.get(groupId) instanceof ConsumerGroup g) {
            return g;
        }
        throw Errors.GROUP_ID_NOT_FOUND.exception("Group " + groupId + " is not a consumer-protocol group");
    }

    private static void checkEpoch(ConsumerMember member, int received, List<TopicPartitions> owned) {
        if (received > member.memberEpoch()) {
            throw Errors.FENCED_MEMBER_EPOCH.exception("Member " + member.memberId() + " sent epoch " + received
                    + " but is at epoch " + member.memberEpoch() + "; it must give up its partitions and rejoin");
        }
        if (received < member.memberEpoch()
                && (received != member.previousMemberEpoch() || !ownsSubsetOf(owned, member.assigned()))) {
            throw Errors.FENCED_MEMBER_EPOCH.exception("Member " + member.memberId() + " sent epoch " + received
                    + " but is at epoch " + member.memberEpoch() + "; it must give up its partitions and rejoin");
        }
    }

    /** Whether every reported partition is in {@code assigned} (a lost response is accepted once). */
    private static boolean ownsSubsetOf(List<TopicPartitions> owned, Assignment assigned) {
        if (owned == null) {
            return false;
        }
        for (TopicPartitions tp : owned) {
            for (int p : tp.partitions()) {
                if (!assigned.contains(tp.topicId(), p)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static MemberSubscription merge(
            MemberSubscription base, ClientInfo client, ConsumerGroupHeartbeatRequestData r) {
        return new MemberSubscription(
                r.instanceId() != null ? r.instanceId() : base.instanceId(),
                r.rackId() != null ? r.rackId() : base.rackId(),
                client.clientId(),
                client.clientHost(),
                r.rebalanceTimeoutMs() != -1 ? r.rebalanceTimeoutMs() : base.rebalanceTimeoutMs(),
                r.subscribedTopicNames() != null ? r.subscribedTopicNames() : base.topicNames(),
                r.subscribedTopicRegex() != null ? emptyToNull(r.subscribedTopicRegex()) : base.topicRegex(),
                r.serverAssignor() != null ? r.serverAssignor() : base.serverAssignor());
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private void validate(ConsumerGroupHeartbeatRequestData r, short version) {
        int epoch = r.memberEpoch();
        if ((version >= 1 || epoch > 0 || epoch == LEAVE_GROUP_MEMBER_EPOCH) && blank(r.memberId())) {
            throw Errors.INVALID_REQUEST.exception("MemberId can't be empty.");
        }
        if (blank(r.groupId())) {
            throw Errors.INVALID_REQUEST.exception("GroupId can't be empty.");
        }
        if (r.instanceId() != null && blank(r.instanceId())) {
            throw Errors.INVALID_REQUEST.exception("InstanceId can't be empty.");
        }
        if (r.rackId() != null && blank(r.rackId())) {
            throw Errors.INVALID_REQUEST.exception("RackId can't be empty.");
        }
        if (epoch == 0) {
            if (r.rebalanceTimeoutMs() == -1) {
                throw Errors.INVALID_REQUEST.exception("RebalanceTimeoutMs must be provided in first request.");
            }
            if (r.topicPartitions() == null || !r.topicPartitions().isEmpty()) {
                throw Errors.INVALID_REQUEST.exception("TopicPartitions must be empty when (re-)joining.");
            }
            if (r.subscribedTopicNames() == null && r.subscribedTopicRegex() == null) {
                throw Errors.INVALID_REQUEST.exception(
                        "Either SubscribedTopicNames or SubscribedTopicRegex must be " + "non-null when (re-)joining.");
            }
        } else if (epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH && r.instanceId() == null) {
            throw Errors.INVALID_REQUEST.exception("InstanceId can't be null.");
        } else if (epoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw Errors.INVALID_REQUEST.exception("MemberEpoch is invalid.");
        }
        if (r.serverAssignor() != null && !assignors.containsKey(r.serverAssignor())) {
            throw Errors.UNSUPPORTED_ASSIGNOR.exception("ServerAssignor " + r.serverAssignor() + " is not supported. "
                    + "Supported assignors: " + String.join(", ", assignors.keySet()) + ".");
        }
        if (r.subscribedTopicRegex() != null && !r.subscribedTopicRegex().isEmpty()) {
            try {
                Pattern.compile(r.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw Errors.INVALID_REGULAR_EXPRESSION.exception("SubscribedTopicRegex `" + r.subscribedTopicRegex()
                        + "` is not a valid regular expression: " + e.getDescription() + ".");
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.trim().isEmpty();
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment toResponse(Assignment a) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> tps = new ArrayList<>();
        for (Map.Entry<Uuid, Set<Integer>> e : a.partitions().entrySet()) {
            tps.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                    .setTopicId(e.getKey())
                    .setPartitions(new ArrayList<>(e.getValue())));
        }
        return new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(tps);
    }

    /** Records of one operation; each is applied to the store as soon as it is added (via applyAll). */
    final class Changes {
        final List<GroupRecord> records = new ArrayList<>();
        private int applied;

        void add(GroupRecord record) {
            records.add(record);
        }

        /** Applies every record added since the last call. */
        void applyAll() {
            long now = ctx.now();
            for (; applied < records.size(); applied++) {
                ctx.store.replay(records.get(applied), now);
            }
        }
    }
}
