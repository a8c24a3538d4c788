package io.millrace.broker.coordinator.group.assignor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code range} server-side assignor: for each topic, its subscribers (ordered by instance id,
 * else member id) get contiguous ranges of partitions, the first {@code partitions % subscribers}
 * one partition more. Members subscribed to the same co-partitioned topics get the same partition
 * numbers of each, which joins on the partition key rely on. It is not sticky: a membership change
 * may shift every range.
 */
public final class RangeAssignor implements PartitionAssignor {

    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Assignment> assign(List<MemberSpec> members, Map<Uuid, Integer> partitionCounts) {
        Map<String, TreeMap<Uuid, TreeSet<Integer>>> owned = new HashMap<>();
        members.forEach(m -> owned.put(m.memberId(), new TreeMap<>()));
        for (Map.Entry<Uuid, Integer> topic : new TreeMap<>(partitionCounts).entrySet()) {
            List<MemberSpec> subscribers = MemberSpec.subscribers(members, topic.getKey());
            if (subscribers.isEmpty()) {
                continue;
            }
            subscribers.sort(MemberSpec.ORDER);
            int partitions = topic.getValue();
            int base = partitions / subscribers.size();
            int extra = partitions % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int n = base + (i < extra ? 1 : 0);
                for (int p = next; p < next + n; p++) {
                    owned.get(subscribers.get(i).memberId())
                            .computeIfAbsent(topic.getKey(), t -> new TreeSet<>())
                            .add(p);
                }
                next += n;
            }
        }
        Map<String, Assignment> result = new HashMap<>();
        owned.forEach((member, ps) -> result.put(member, Assignment.of(ps)));
        return result;
    }
}
