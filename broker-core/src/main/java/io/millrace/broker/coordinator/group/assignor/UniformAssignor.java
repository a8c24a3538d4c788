package io.millrace.broker.coordinator.group.assignor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Kafka's default server-side assignor ({@code uniform}): spreads the partitions evenly over the
 * members subscribed to them while moving as few partitions as possible.
 *
 * <ol>
 *   <li>Every member keeps the partitions of its current target it is still subscribed to (a
 *       partition is kept by one member only).</li>
 *   <li>Each remaining partition goes to the subscribed member holding the fewest partitions.</li>
 *   <li>While some member holds two or more partitions more than another member that could take
 *       one of them, one such partition moves to the less loaded member.</li>
 * </ol>
 * With identical subscriptions the result is balanced to within one partition; with different
 * subscriptions it is balanced as far as single moves allow. Adding a member therefore takes
 * only the partitions the new member needs from the others; all other partitions stay put,
 * which is what lets members keep consuming them during a rebalance.
 */
public final class UniformAssignor implements PartitionAssignor {

    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Assignment> assign(List<MemberSpec> members, Map<Uuid, Integer> partitionCounts) {
        List<MemberSpec> sorted = new ArrayList<>(members);
        sorted.sort(MemberSpec.ORDER);
        Holdings holdings = new Holdings(sorted);
        Map<Uuid, Map<Integer, String>> owner = new TreeMap<>();
        for (MemberSpec m : sorted) {
            m.current().partitions().forEach((topic, ps) -> {
                Integer count = partitionCounts.get(topic);
                if (count == null || !m.subscribedTopics().contains(topic)) {
                    return;
                }
                for (int p : ps) {
                    if (p < count
                            && owner.computeIfAbsent(topic, t -> new HashMap<>())
                                            .putIfAbsent(p, m.memberId())
                                    == null) {
                        holdings.give(m.memberId(), topic, p);
                    }
                }
            });
        }
        for (Map.Entry<Uuid, Integer> topic : new TreeMap<>(partitionCounts).entrySet()) {
            List<MemberSpec> subscribers = MemberSpec.subscribers(sorted, topic.getKey());
            if (subscribers.isEmpty()) {
                continue;
            }
            Map<Integer, String> topicOwners = owner.computeIfAbsent(topic.getKey(), t -> new HashMap<>());
            for (int p = 0; p < topic.getValue(); p++) {
                if (!topicOwners.containsKey(p)) {
                    String target = holdings.leastLoaded(subscribers);
                    topicOwners.put(p, target);
                    holdings.give(target, topic.getKey(), p);
                }
            }
        }
        balance(sorted, holdings);
        return holdings.assignments();
    }

    /** Moves single partitions from a member to one holding at least two fewer until no such move is left. */
    private static void balance(List<MemberSpec> members, Holdings holdings) {
        boolean moved = true;
        while (moved) {
            moved = false;
            List<MemberSpec> byLoad = new ArrayList<>(members);
            byLoad.sort(Comparator.comparing((MemberSpec m) -> -holdings.load(m.memberId()))
                    .thenComparing(MemberSpec::sortKey));
            outer:
            for (MemberSpec from : byLoad) {
                int fromLoad = holdings.load(from.memberId());
                for (Map.Entry<Uuid, TreeSet<Integer>> topic :
                        holdings.owned(from.memberId()).descendingMap().entrySet()) {
                    String to = holdings.leastLoaded(MemberSpec.subscribers(members, topic.getKey()));
                    if (to != null && holdings.load(to) < fromLoad - 1) {
                        int partition = topic.getValue().last();
                        holdings.take(from.memberId(), topic.getKey(), partition);
                        holdings.give(to, topic.getKey(), partition);
                        moved = true;
                        break outer;
                    }
                }
            }
        }
    }

    /** The partitions each member holds while the assignment is worked out, and how many. */
    private static final class Holdings {
        private final Map<String, TreeMap<Uuid, TreeSet<Integer>>> owned = new HashMap<>();
        private final Map<String, Integer> load = new HashMap<>();

        Holdings(List<MemberSpec> members) {
            for (MemberSpec m : members) {
                owned.put(m.memberId(), new TreeMap<>());
                load.put(m.memberId(), 0);
            }
        }

        TreeMap<Uuid, TreeSet<Integer>> owned(String member) {
            return owned.get(member);
        }

        int load(String member) {
            return load.get(member);
        }

        /** The first of the candidates holding the fewest partitions, or null when there are none. */
        String leastLoaded(List<MemberSpec> candidates) {
            String best = null;
            for (MemberSpec m : candidates) {
                if (best == null || load.get(m.memberId()) < load.get(best)) {
                    best = m.memberId();
                }
            }
            return best;
        }

        void give(String member, Uuid topic, int partition) {
            owned.get(member).computeIfAbsent(topic, t -> new TreeSet<>()).add(partition);
            load.merge(member, 1, Integer::sum);
        }

        void take(String member, Uuid topic, int partition) {
            TreeSet<Integer> ps = owned.get(member).get(topic);
            ps.remove(partition);
            if (ps.isEmpty()) {
                owned.get(member).remove(topic);
            }
            load.merge(member, -1, Integer::sum);
        }

        Map<String, Assignment> assignments() {
            Map<String, Assignment> result = new HashMap<>();
            owned.forEach((member, ps) -> result.put(member, Assignment.of(ps)));
            return result;
        }
    }
}
