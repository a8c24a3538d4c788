package io.millrace.broker.coordinator.group.assignor;

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

    public MemberSpec {
        subscribedTopics = Set.copyOf(subscribedTopics);
    }

    /** The key members are ordered by: the instance id of static members (stable across restarts), else the id. */
    public String sortKey() {
        return instanceId != null ? instanceId : memberId;
    }
}
