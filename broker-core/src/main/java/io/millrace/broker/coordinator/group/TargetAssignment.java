package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.ConsumerTargetAssignment;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerTargetAssignmentEpoch;
import io.millrace.broker.coordinator.group.assignor.Assignment;
import io.millrace.broker.coordinator.group.assignor.MemberSpec;
import io.millrace.broker.coordinator.group.assignor.PartitionAssignor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes a consumer-protocol group's target assignment for its current epoch with the group's
 * preferred server-side assignor, and records only what changed: one record per member whose
 * target moved, then the new assignment epoch. Confined to the coordinator thread.
 */
final class TargetAssignment {

    private static final Logger log = LoggerFactory.getLogger(TargetAssignment.class);

    private final CoordinatorContext ctx;
    private final Map<String, PartitionAssignor> assignors;
    private final String defaultAssignor;

    TargetAssignment(CoordinatorContext ctx, Map<String, PartitionAssignor> assignors, String defaultAssignor) {
        this.ctx = ctx;
        this.assignors = assignors;
        this.defaultAssignor = defaultAssignor;
    }

    /** The configured assignors by name, in configuration order. */
    static Map<String, PartitionAssignor> assignors(List<String> names) {
        Map<String, PartitionAssignor> out = new LinkedHashMap<>();
        for (String name : names) {
            PartitionAssignor a = PartitionAssignor.named(name);
            if (a == null) {
                throw new IllegalArgumentException("unknown server-side assignor " + name);
            }
            out.put(name, a);
        }
        return out;
    }

    void compute(ConsumerGroup group, ConsumerGroupManager.Changes changes) {
        String assignorName = group.preferredAssignor(defaultAssignor);
        PartitionAssignor assignor = assignors.getOrDefault(assignorName, assignors.get(defaultAssignor));
        Map<Uuid, Integer> partitionCounts = new HashMap<>();
        List<MemberSpec> specs = new ArrayList<>();
        for (ConsumerMember m : group.members()) {
            Set<Uuid> topicIds = new HashSet<>();
            for (String name : group.topicsOf(m)) {
                TopicsView.Topic t = ctx.topics.byName(name);
                if (t != null) {
                    topicIds.add(t.id());
                    partitionCounts.put(t.id(), t.partitions());
                }
            }
            specs.add(new MemberSpec(m.memberId(), m.instanceId(), topicIds, group.target(m.memberId())));
        }
        Map<String, Assignment> result = assignor.assign(specs, partitionCounts);
        int changed = 0;
        for (ConsumerMember m : group.members()) {
            Assignment next = result.getOrDefault(m.memberId(), Assignment.EMPTY);
            if (!next.equals(group.target(m.memberId()))) {
                changes.add(new ConsumerTargetAssignment(group.groupId(), m.memberId(), next));
                changed++;
            }
        }
        changes.add(new ConsumerTargetAssignmentEpoch(group.groupId(), group.groupEpoch()));
        changes.applyAll();
        log.info(
                "Group {}: computed the target assignment of epoch {} with the '{}' assignor ({} member(s), "
                        + "{} changed)",
                group.groupId(),
                group.groupEpoch(),
                assignor.name(),
                group.size(),
                changed);
    }
}
