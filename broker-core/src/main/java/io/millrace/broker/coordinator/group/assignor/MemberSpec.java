package io.millrace.broker.coordinator.group.assignor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * What an assignor knows about one member: its identity, the topics it subscribes to (those
 * that exist) and its current target assignment, which sticky assignors try to keep.
 *
 * @param memberId         the member id
 * @param instanceId       the static instance id, or null
 * @param subscribedTopics ids of the existing topics the member subscribes to
 * @param current          the member's target assignment before this computation
 */
public record MemberSpec(String memberId, String instanceId, Set<Uuid> subscribedTopics, Assignment current) {

    /** The order assignors hand out partitions in: by {@link #sortKey()}, then by member id. */
    static final Comparator<MemberSpec> ORDER =
            Comparator.comparing(MemberSpec::sortKey).thenComparing(MemberSpec::memberId);

    public MemberSpec {
        subscribedTopics = Set.copyOf(subscribedTopics);
    }

    /** The key members are ordered by: the instance id of static members (stable across restarts), else the id. */
    public String sortKey() {
        return instanceId != null ? instanceId : memberId;
    }

    /** The members subscribed to {@code topic}, in their order in {@code members}. */
    static List<MemberSpec> subscribers(List<MemberSpec> members, Uuid topic) {
        List<MemberSpec> out = new ArrayList<>();
        for (MemberSpec m : members) {
            if (m.subscribedTopics().contains(topic)) {
                out.add(m);
            }
        }
        return out;
    }
}
