package io.millrace.broker.coordinator.group;

import static io.millrace.broker.coordinator.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.millrace.broker.coordinator.group.ClassicGroupState.DEAD;
import static io.millrace.broker.coordinator.group.ClassicGroupState.EMPTY;
import static io.millrace.broker.coordinator.group.ClassicGroupState.STABLE;

import io.millrace.broker.coordinator.group.GroupRecord.ClassicGroupMetadata;
import io.millrace.broker.coordinator.group.GroupRecord.ClassicGroupSnapshot;
import io.millrace.broker.coordinator.group.GroupRecord.ClassicMemberSnapshot;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.ConsumerProtocolSubscription;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A classic group: generation, members (static ones by instance id too), the selected protocol,
 * the leader, members that were told their id but have not joined yet (pending), and members
 * whose SyncGroup is still expected. The rules of the JoinGroup/SyncGroup protocol that drive it
 * live in {@link ClassicGroupManager}; this class only keeps the state consistent.
 *
 * <p>A group that only ever received offset commits from non-members is a classic group with no
 * protocol type (a "simple" group). Confined to the coordinator thread.
 */
final class ClassicGroup extends AbstractGroup {

    private ClassicGroupState state;
    private ClassicGroupState previousState = DEAD;
    private long stateTimestampMs;
    private String protocolType;
    private String protocolName;
    private int generation;
    private String leaderId;
    private final Map<String, ClassicMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingJoin = new HashSet<>();
    private final Set<String> pendingSync = new HashSet<>();
    private final Map<String, Integer> protocolSupport = new HashMap<>();
    private int awaitingJoin;
    private boolean newMemberAdded;
    private Set<String> subscribedTopics;

    ClassicGroup(String groupId, int partition, long nowMs) {
        super(groupId, partition);
        this.state = EMPTY;
        this.stateTimestampMs = nowMs;
    }

    /** A group as persisted by its last completed rebalance: Stable with its members, or Empty. */
    static ClassicGroup fromSnapshot(String groupId, int partition, ClassicGroupSnapshot s) {
        ClassicGroup g = new ClassicGroup(groupId, partition, s.stateTimestampMs());
        g.generation = s.generation();
        g.protocolType = s.protocolType() == null || s.protocolType().isEmpty() ? null : s.protocolType();
        g.protocolName = s.protocolName();
        for (ClassicMemberSnapshot m : s.members()) {
            ClassicMember member = new ClassicMember(
                    m.memberId(),
                    m.instanceId(),
                    m.clientId(),
                    m.clientHost(),
                    m.rebalanceTimeoutMs(),
                    m.sessionTimeoutMs(),
                    s.protocolType(),
                    List.of(new ClassicMember.Protocol(s.protocolName(), m.subscription())));
            member.setAssignment(m.assignment());
            g.add(member, null);
        }
        g.leaderId = s.leader() != null && g.members.containsKey(s.leader()) ? s.leader() : g.leaderId;
        g.state = g.members.isEmpty() ? EMPTY : STABLE;
        g.subscribedTopics = g.computeSubscribedTopics();
        return g;
    }

    /** The persisted form of the current generation; {@code assignments} override members' current ones. */
    ClassicGroupMetadata snapshot(Map<String, byte[]> assignments) {
        List<ClassicMemberSnapshot> ms = new ArrayList<>();
        for (ClassicMember m : members.values()) {
            byte[] assignment = assignments.getOrDefault(m.memberId(), m.assignment());
            ms.add(new ClassicMemberSnapshot(
                    m.memberId(),
                    m.instanceId(),
                    m.clientId(),
                    m.clientHost(),
                    m.rebalanceTimeoutMs(),
                    m.sessionTimeoutMs(),
                    protocolName == null ? null : m.metadata(protocolName),
                    assignment));
        }
        return new ClassicGroupMetadata(
                groupId(),
                new ClassicGroupSnapshot(
                        protocolType == null ? "" : protocolType,
                        generation,
                        protocolName,
                        leaderId,
                        stateTimestampMs,
                        ms));
    }

    @Override
    public Type type() {
        return Type.CLASSIC;
    }

    @Override
    public String stateName() {
        return state.wireName;
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    ClassicGroupState state() {
        return state;
    }

    boolean is(ClassicGroupState s) {
        return state == s;
    }

    ClassicGroupState previousState() {
        return previousState;
    }

    void transitionTo(ClassicGroupState next, long nowMs) {
        if (!next.canFollow(state)) {
            throw new IllegalStateException("Group " + groupId() + " cannot move from " + state + " to " + next);
        }
        previousState = state;
        state = next;
        stateTimestampMs = nowMs;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    int generation() {
        return generation;
    }

    String protocolName() {
        return protocolName;
    }

    String rawProtocolType() {
        return protocolType;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean value) {
        newMemberAdded = value;
    }

    @Override
    public boolean isEmpty() {
        return state == EMPTY;
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    ClassicMember member(String memberId) {
        return members.get(memberId);
    }

    Collection<ClassicMember> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    String staticMemberId(String instanceId) {
        return staticMembers.get(instanceId);
    }

    boolean isPending(String memberId) {
        return pendingJoin.contains(memberId);
    }

    void addPending(String memberId) {
        pendingJoin.add(memberId);
    }

    boolean removePending(String memberId) {
        return pendingJoin.remove(memberId);
    }

    int awaitingJoinCount() {
        return awaitingJoin;
    }

    /** Adds a member; the first one becomes leader and fixes the group's protocol type. */
    void add(ClassicMember member, CompletableFuture<JoinGroupResponseData> joinFuture) {
        if (member.isStatic()) {
            staticMembers.put(member.instanceId(), member.memberId());
        }
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
        members.put(member.memberId(), member);
        member.protocols().forEach(p -> protocolSupport.merge(p.name(), 1, Integer::sum));
        member.setJoinFuture(joinFuture);
        if (joinFuture != null) {
            awaitingJoin++;
        }
        pendingJoin.remove(member.memberId());
    }

    void remove(String memberId) {
        ClassicMember removed = members.remove(memberId);
        if (removed != null) {
            removed.protocols().forEach(p -> protocolSupport.merge(p.name(), -1, Integer::sum));
            if (removed.isAwaitingJoin()) {
                awaitingJoin--;
            }
            if (removed.isStatic()) {
                staticMembers.remove(removed.instanceId());
            }
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        pendingJoin.remove(memberId);
        pendingSync.remove(memberId);
    }

    /** Updates a member's protocols and timeouts and parks its new JoinGroup. */
    void updateMember(
            ClassicMember member,
            List<ClassicMember.Protocol> protocols,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            CompletableFuture<JoinGroupResponseData> joinFuture) {
        member.protocols().forEach(p -> protocolSupport.merge(p.name(), -1, Integer::sum));
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        member.protocols().forEach(p -> protocolSupport.merge(p.name(), 1, Integer::sum));
        if (joinFuture != null) {
            if (member.isAwaitingJoin()) {
                // A second JoinGroup replaces the first; the first still gets an answer.
                member.joinFuture().complete(joinError(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
            } else {
                awaitingJoin++;
            }
            member.setJoinFuture(joinFuture);
        }
    }

    /**
     * A static member rejoined with a new member id: the old id is fenced (its parked requests
     * fail with FENCED_INSTANCE_ID) and the member continues under the new one.
     */
    ClassicMember replaceStaticMember(String instanceId, String oldMemberId, String newMemberId) {
        ClassicMember old = members.remove(oldMemberId);
        if (old == null) {
            throw new IllegalStateException("no member " + oldMemberId + " to replace in group " + groupId());
        }
        if (old.isAwaitingJoin()) {
            awaitingJoin--;
            old.joinFuture().complete(joinError(oldMemberId, Errors.FENCED_INSTANCE_ID));
            old.setJoinFuture(null);
        }
        if (old.isAwaitingSync()) {
            old.syncFuture()
                    .complete(new SyncGroupResponseData()
                            .setErrorCode(Errors.FENCED_INSTANCE_ID.code())
                            .setAssignment(ClassicMember.EMPTY_ASSIGNMENT));
            old.setSyncFuture(null);
        }
        ClassicMember replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        pendingSync.remove(oldMemberId);
        staticMembers.put(instanceId, newMemberId);
        return replacement;
    }

    /**
     * Whether a member with {@code type} and {@code protocols} can join: any non-empty type and
     * protocol list for an empty group, else the group's type and a protocol all members support.
     */
    boolean supportsProtocols(String type, List<ClassicMember.Protocol> protocols) {
        if (state == EMPTY) {
            return type != null && !type.isEmpty() && !protocols.isEmpty();
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        for (ClassicMember.Protocol p : protocols) {
            if (protocolSupport.getOrDefault(p.name(), 0) == members.size()) {
                return true;
            }
        }
        return false;
    }

    /** The protocol most members prefer among those every member supports (ties by name). */
    String selectProtocol() {
        Set<String> candidates = new TreeSet<>();
        protocolSupport.forEach((name, count) -> {
            if (count == members.size()) {
                candidates.add(name);
            }
        });
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicMember m : members.values()) {
            votes.merge(m.vote(candidates), 1, Integer::sum);
        }
        String best = null;
        for (String c : candidates) {
            if (votes.containsKey(c) && (best == null || votes.get(c) > votes.get(best))) {
                best = c;
            }
        }
        return best;
    }

    boolean hasAllMembersJoined() {
        return members.size() == awaitingJoin && pendingJoin.isEmpty();
    }

    /** Members that have not rejoined in this rebalance. */
    List<ClassicMember> notYetRejoined() {
        List<ClassicMember> out = new ArrayList<>();
        for (ClassicMember m : members.values()) {
            if (!m.isAwaitingJoin()) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * Keeps the leader if it rejoined, else picks one that did.
     *
     * @return false when no member rejoined
     */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        if (members.get(leaderId).isAwaitingJoin()) {
            return true;
        }
        for (ClassicMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
                return true;
            }
        }
        return false;
    }

    /** The largest rebalance timeout of the members: how long a rebalance waits for them. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (ClassicMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs());
        }
        return max;
    }

    /** Starts the next generation: CompletingRebalance with the selected protocol, or Empty without members. */
    void initNextGeneration(long nowMs) {
        generation++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(COMPLETING_REBALANCE, nowMs);
        } else {
            protocolName = null;
            subscribedTopics = computeSubscribedTopics();
            transitionTo(EMPTY, nowMs);
        }
        pendingSync.clear();
    }

    /** The member list the leader gets in its JoinGroup response: ids with their selected-protocol metadata. */
    List<JoinGroupResponseMember> membersForLeader() {
        List<JoinGroupResponseMember> out = new ArrayList<>();
        for (ClassicMember m : members.values()) {
            out.add(new JoinGroupResponseMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.instanceId())
                    .setMetadata(m.metadata(protocolName)));
        }
        return out;
    }

    /** A successful JoinGroup response for the current generation; the leader gets the member list. */
    JoinGroupResponseData joinResponse(String memberId, boolean withMembers) {
        return new JoinGroupResponseData()
                .setMembers(withMembers ? membersForLeader() : new ArrayList<>())
                .setMemberId(memberId)
                .setGenerationId(generation)
                .setProtocolName(protocolName)
                .setProtocolType(protocolType)
                .setLeader(leaderId)
                .setSkipAssignment(false)
                .setErrorCode(Errors.NONE.code());
    }

    /** Answers the member's parked JoinGroup, if any. */
    void completeJoin(ClassicMember member, JoinGroupResponseData response) {
        if (member.isAwaitingJoin()) {
            CompletableFuture<JoinGroupResponseData> f = member.joinFuture();
            member.setJoinFuture(null);
            awaitingJoin--;
            f.complete(response);
        }
    }

    /** Answers the member's parked SyncGroup, if any; returns whether there was one. */
    boolean completeSync(ClassicMember member, SyncGroupResponseData response) {
        if (member.isAwaitingSync()) {
            CompletableFuture<SyncGroupResponseData> f = member.syncFuture();
            member.setSyncFuture(null);
            f.complete(response);
            return true;
        }
        return false;
    }

    Set<String> pendingSync() {
        return pendingSync;
    }

    /** Generates a member id the way Kafka does: instance id (or client id), a dash, a random UUID. */
    static String newMemberId(String clientId, String instanceId) {
        return (instanceId != null ? instanceId : clientId) + "-" + UUID.randomUUID();
    }

    /**
     * Checks that {@code memberId} is a member and, for a static member, that it still owns the
     * instance id.
     */
    void validateMember(String memberId, String instanceId) {
        if (instanceId != null) {
            String current = staticMembers.get(instanceId);
            if (current == null) {
                throw Errors.UNKNOWN_MEMBER_ID.exception(
                        "Instance id " + instanceId + " is not a member of group " + groupId());
            }
            if (!current.equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("Member " + memberId + " with instance id " + instanceId
                        + " was replaced by member " + current + " in group " + groupId());
            }
        }
        if (!members.containsKey(memberId)) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group " + groupId());
        }
    }

    @Override
    public void validateOffsetCommit(
            String memberId, String instanceId, int generationId, short apiVersion, boolean transactional) {
        if (state == DEAD) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        if (generationId < 0 && state == EMPTY) {
            return; // a commit from outside the group (admin tools, assign() consumers)
        }
        if (generationId >= 0 || !memberId.isEmpty() || instanceId != null) {
            validateMember(memberId, instanceId);
            if (generationId != generation) {
                throw Errors.ILLEGAL_GENERATION.exception("Generation " + generationId + " is not the current "
                        + "generation " + generation + " of group " + groupId());
            }
        } else if (state != EMPTY && !transactional) {
            throw Errors.UNKNOWN_MEMBER_ID.exception(
                    "Group " + groupId() + " has active members; only they may " + "commit offsets");
        }
        if (state == COMPLETING_REBALANCE && !transactional) {
            throw Errors.REBALANCE_IN_PROGRESS.exception();
        }
    }

    @Override
    public void validateOffsetFetch(String memberId, int memberEpoch) {
        if (state == DEAD) {
            throw Errors.GROUP_ID_NOT_FOUND.exception("Group " + groupId() + " is dead");
        }
    }

    @Override
    public void validateOffsetDelete() {
        if (state == DEAD) {
            throw Errors.GROUP_ID_NOT_FOUND.exception("Group " + groupId() + " is dead");
        }
        if (state != EMPTY && !usesConsumerProtocol()) {
            throw Errors.NON_EMPTY_GROUP.exception();
        }
    }

    @Override
    public void validateDelete() {
        if (state == DEAD) {
            throw Errors.GROUP_ID_NOT_FOUND.exception("Group " + groupId() + " is dead");
        }
        if (state != EMPTY) {
            throw Errors.NON_EMPTY_GROUP.exception(
                    "Group " + groupId() + " still has " + members.size() + " member(s); stop them first");
        }
    }

    boolean usesConsumerProtocol() {
        return ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType);
    }

    @Override
    public boolean isSubscribedTo(String topic) {
        return subscribedTopics != null && subscribedTopics.contains(topic);
    }

    @Override
    public long expiryBaseTimestamp(OffsetAndMetadata offset) {
        if (protocolType == null) {
            return offset.commitTimestampMs();
        }
        if (state == EMPTY) {
            return stateTimestampMs >= 0 ? stateTimestampMs : offset.commitTimestampMs();
        }
        if (usesConsumerProtocol() && subscribedTopics != null && state == STABLE) {
            return offset.commitTimestampMs();
        }
        return -1;
    }

    @Override
    public void addTombstones(List<GroupRecord> records) {
        records.add(new ClassicGroupMetadata(groupId(), null));
    }

    /** Topics the members subscribe to, from their consumer-protocol metadata; null when unknown. */
    private Set<String> computeSubscribedTopics() {
        if (!usesConsumerProtocol() || protocolName == null) {
            return members.isEmpty() ? Set.of() : null;
        }
        Set<String> topics = new HashSet<>();
        for (ClassicMember m : members.values()) {
            byte[] metadata = m.metadata(protocolName);
            if (metadata == null) {
                return null;
            }
            try {
                ConsumerProtocolSubscription s =
                        ConsumerProtocol.deserializeConsumerProtocolSubscription(ByteBuffer.wrap(metadata));
                topics.addAll(s.topics());
            } catch (RuntimeException e) {
                return null; // not the consumer protocol after all: treat as unknown, as Kafka does
            }
        }
        return topics;
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData()
                .setMemberId(memberId)
                .setErrorCode(error.code())
                .setGenerationId(-1)
                .setProtocolName(null)
                .setProtocolType(null)
                .setLeader("")
                .setMembers(new ArrayList<>());
    }
}
