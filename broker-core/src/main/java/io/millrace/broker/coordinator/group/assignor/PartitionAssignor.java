package io.millrace.broker.coordinator.group.assignor;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A server-side assignor of consumer-protocol (KIP-848) groups: computes every member's target
 * assignment from the members' subscriptions and the subscribed topics' partition counts.
 * Implementations are stateless and deterministic (the same input gives the same output).
 */
public interface PartitionAssignor {

    /** The name members ask for in ConsumerGroupHeartbeat's ServerAssignor ("uniform", "range"). */
    String name();

    /**
     * @param members         every member of the group
     * @param partitionCounts partition count of every existing topic some member subscribes to
     * @return each member's new target assignment (members without partitions map to {@link Assignment#EMPTY})
     */
    Map<String, Assignment> assign(List<MemberSpec> members, Map<Uuid, Integer> partitionCounts);

    /** The assignor called {@code name}, or null when there is none. */
    static PartitionAssignor named(String name) {
        return switch (name) {
            case UniformAssignor.NAME -> new UniformAssignor();
            case RangeAssignor.NAME -> new RangeAssignor();
            default -> null;
        };
    }
}
