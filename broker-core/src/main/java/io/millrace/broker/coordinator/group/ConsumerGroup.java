package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.ConsumerCurrentAssignment;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerGroupMetadata;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerMemberSubscription;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerTargetAssignment;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerTargetAssignmentEpoch;
import io.millrace.broker.coordinator.group.GroupRecord.MemberAssignmentState;
import io.millrace.broker.coordinator.group.GroupRecord.MemberSubscription;
import io.millrace.broker.coordinator.group.assignor.Assignment;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * A consumer-protocol (KIP-848) group: the group epoch (bumped whenever subscriptions or the
 * subscribed topics change), the target assignment and the epoch it was computed for, the
 * members, and which member epoch owns each partition (so no partition is handed to two members).
 * All of it is rebuilt by replaying the group's records, and live changes are made the same way:
 * records are built, applied here, then written.
 *
 * <p>Regex subscriptions are resolved against the current topics (java.util.regex, whole-name
 * match, internal topics excluded) and cached until the topics change. Confined to the
 * coordinator thread.
 */
final class ConsumerGroup extends AbstractGroup {

    /** Names of the states as ConsumerGroupDescribe and ListGroups report them. */
    static final String EMPTY = "Empty";

    static final String ASSIGNING = "Assigning";
    static final String RECONCILING = "Reconciling";
    static final String STABLE = "Stable";

    private final TopicsView topics;
    private int groupEpoch;
    private long metadataHash;
    private int assignmentEpoch;
    private final Map<String, ConsumerMember> members = new TreeMap<>();
    private final Map<String, Assignment> target = new HashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<Uuid, Map<Integer, Integer>> partitionEpochs = new HashMap<>();
    private final Map<String, Set<String>> resolvedRegexes = new HashMap<>();
    private long resolvedVersion = -1;

    ConsumerGroup(String groupId, int partition, TopicsView topics) {
        super(groupId, partition);
        this.topics = topics;
    }

    // ---- replay

    void replay(ConsumerGroupMetadata r) {
        groupEpoch = r.value().epoch();
        metadataHash = r.value().metadataHash();
    }

    void replay(ConsumerMemberSubscription r) {
        ConsumerMember existing = members.get(r.memberId());
        if (r.value() == null) {
            if (existing != null) {
                removePartitionEpochs(existing);
                members.remove(r.memberId());
                if (existing.instanceId() != null && r.memberId().equals(staticMembers.get(existing.instanceId()))) {
                    staticMembers.remove(existing.instanceId());
                }
            }
            return;
        }
        ConsumerMember updated = existing == null
                ? ConsumerMember.joining(r.memberId(), r.value())
                : existing.withSubscription(r.value());
        members.put(r.memberId(), updated);
        if (updated.instanceId() != null) {
            staticMembers.put(updated.instanceId(), r.memberId());
        }
    }

    void replay(ConsumerTargetAssignment r) {
        if (r.value() == null) {
            target.remove(r.memberId());
        } else {
            target.put(r.memberId(), r.value());
        }
    }

    void replay(ConsumerTargetAssignmentEpoch r) {
        assignmentEpoch = r.value() == null ? -1 : r.value();
    }

    void replay(ConsumerCurrentAssignment r) {
        ConsumerMember existing = members.get(r.memberId());
        if (existing == null) {
            return; // the member's subscription was removed first; nothing left to update
        }
        removePartitionEpochs(existing);
        MemberAssignmentState state = r.value() != null
                ? r.value()
                : new MemberAssignmentState(-1, -1, MemberState.STABLE, Assignment.EMPTY, Assignment.EMPTY);
        ConsumerMember updated = existing.withAssignmentState(state);
        members.put(r.memberId(), updated);
        addPartitionEpochs(updated);
    }

    private void addPartitionEpochs(ConsumerMember m) {
        for (Assignment a : List.of(m.assigned(), m.pendingRevocation())) {
            a.partitions().forEach((topic, ps) -> {
                Map<Integer, Integer> epochs = partitionEpochs.computeIfAbsent(topic, t -> new HashMap<>());
                ps.forEach(p -> epochs.put(p, m.memberEpoch()));
            });
        }
    }

    private void removePartitionEpochs(ConsumerMember m) {
        for (Assignment a : List.of(m.assigned(), m.pendingRevocation())) {
            a.partitions().forEach((topic, ps) -> {
                Map<Integer, Integer> epochs = partitionEpochs.get(topic);
                if (epochs != null) {
                    ps.forEach(p -> epochs.remove(p, m.memberEpoch()));
                    if (epochs.isEmpty()) {
                        partitionEpochs.remove(topic);
                    }
                }
            });
        }
    }

    // ---- state

    @Override
    public Type type() {
        return Type.CONSUMER;
    }

    @Override
    public String stateName() {
        if (members.isEmpty()) {
            return EMPTY;
        }
        if (groupEpoch > assignmentEpoch) {
            return ASSIGNING;
        }
        for (ConsumerMember m : members.values()) {
            if (!m.isReconciledTo(assignmentEpoch)) {
                return RECONCILING;
            }
        }
        return STABLE;
    }

    @Override
    public String protocolType() {
        return ConsumerProtocol.PROTOCOL_TYPE;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    int groupEpoch() {
        return groupEpoch;
    }

    long metadataHash() {
        return metadataHash;
    }

    int assignmentEpoch() {
        return assignmentEpoch;
    }

    ConsumerMember member(String memberId) {
        return members.get(memberId);
    }

    Collection<ConsumerMember> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    ConsumerMember staticMember(String instanceId) {
        String id = staticMembers.get(instanceId);
        return id == null ? null : members.get(id);
    }

    Assignment target(String memberId) {
        return target.getOrDefault(memberId, Assignment.EMPTY);
    }

    /** Whether a partition is assigned to, or being revoked by, a member other than {@code memberId}. */
    boolean ownedByOther(String memberId, Uuid topic, int partition) {
        Map<Integer, Integer> epochs = partitionEpochs.get(topic);
        if (epochs == null || !epochs.containsKey(partition)) {
            return false;
        }
        ConsumerMember self = members.get(memberId);
        return self == null
                || !(self.assigned().contains(topic, partition)
                        || self.pendingRevocation().contains(topic, partition));
    }

    /** Topic names the members subscribe to, by name or through a regex that matches existing topics. */
    Set<String> subscribedTopicNames() {
        Set<String> names = new TreeSet<>();
        for (ConsumerMember m : members.values()) {
            names.addAll(topicsOf(m));
        }
        return names;
    }

    /** Topic names one member subscribes to (names plus its regex's matches). */
    Set<String> topicsOf(ConsumerMember m) {
        Set<String> names = new TreeSet<>(m.subscribedTopicNames());
        String regex = m.subscribedTopicRegex();
        if (regex != null && !regex.isEmpty()) {
            names.addAll(resolve(regex));
        }
        return names;
    }

    private Set<String> resolve(String regex) {
        if (resolvedVersion != topics.version()) {
            resolvedRegexes.clear();
            resolvedVersion = topics.version();
        }
        return resolvedRegexes.computeIfAbsent(regex, r -> {
            Pattern pattern = Pattern.compile(r);
            Set<String> matched = new TreeSet<>();
            for (TopicsView.Topic t : topics.all()) {
                if (pattern.matcher(t.name()).matches()) {
                    matched.add(t.name());
                }
            }
            return matched;
        });
    }

    /**
     * A hash of (name, id, partition count) of the subscribed topics that exist: when it changes,
     * the group epoch is bumped so the assignment follows new topics and partitions.
     */
    long computeMetadataHash(Set<String> subscribedTopics) {
        long h = 1125899906842597L;
        for (String name : subscribedTopics) {
            TopicsView.Topic t = topics.byName(name);
            if (t != null) {
                h = 31 * h + name.hashCode();
                h = 31 * h + t.id().getMostSignificantBits();
                h = 31 * h + t.id().getLeastSignificantBits();
                h = 31 * h + t.partitions();
            }
        }
        return h;
    }

    /** The assignor most members ask for, or {@code defaultAssignor}. */
    String preferredAssignor(String defaultAssignor) {
        Map<String, Integer> votes = new TreeMap<>();
        for (ConsumerMember m : members.values()) {
            if (m.subscription().serverAssignor() != null) {
                votes.merge(m.subscription().serverAssignor(), 1, Integer::sum);
            }
        }
        String best = defaultAssignor;
        int bestVotes = 0;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    // ---- Group

    @Override
    public void validateOffsetCommit(
            String memberId, String instanceId, int memberEpoch, short apiVersion, boolean transactional) {
        if (memberEpoch < 0 && members.isEmpty()) {
            return; // a commit from outside the group while nobody consumes
        }
        ConsumerMember member = members.get(memberId);
        if (member == null) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group " + groupId());
        }
        if (apiVersion < 9 && !transactional) {
            throw Errors.UNSUPPORTED_VERSION.exception(
                    "OffsetCommit version 9 or above must be used by members " + "of consumer-protocol groups");
        }
        checkEpoch(memberEpoch, member);
    }

    @Override
    public void validateOffsetFetch(String memberId, int memberEpoch) {
        if (memberEpoch < 0 && memberId == null) {
            return;
        }
        ConsumerMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group " + groupId());
        }
        checkEpoch(memberEpoch, member);
    }

    private void checkEpoch(int received, ConsumerMember member) {
        if (received != member.memberEpoch()) {
            throw Errors.STALE_MEMBER_EPOCH.exception("Member " + member.memberId() + " of group " + groupId()
                    + " is at epoch " + member.memberEpoch() + ", not " + received);
        }
    }

    @Override
    public void validateOffsetDelete() {
        // Offsets of topics the group still consumes are refused partition by partition.
    }

    @Override
    public void validateDelete() {
        if (!members.isEmpty()) {
            throw Errors.NON_EMPTY_GROUP.exception(
                    "Group " + groupId() + " still has " + members.size() + " member(s); stop them first");
        }
    }

    @Override
    public boolean isSubscribedTo(String topic) {
        for (ConsumerMember m : members.values()) {
            if (m.subscribedTopicNames().contains(topic) || topicsOf(m).contains(topic)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long expiryBaseTimestamp(OffsetAndMetadata offset) {
        return offset.commitTimestampMs();
    }

    @Override
    public void addTombstones(List<GroupRecord> records) {
        for (ConsumerMember m : members.values()) {
            addMemberTombstones(records, m.memberId());
        }
        records.add(new ConsumerTargetAssignmentEpoch(groupId(), null));
        records.add(new ConsumerGroupMetadata(groupId(), null));
    }

    /** The records that remove one member, in the order replay needs them. */
    void addMemberTombstones(List<GroupRecord> records, String memberId) {
        records.add(new ConsumerCurrentAssignment(groupId(), memberId, null));
        records.add(new ConsumerTargetAssignment(groupId(), memberId, null));
        records.add(new ConsumerMemberSubscription(groupId(), memberId, null));
    }

    static MemberSubscription emptySubscription() {
        return new MemberSubscription(null, null, "", "", -1, List.of(), null, null);
    }
}
