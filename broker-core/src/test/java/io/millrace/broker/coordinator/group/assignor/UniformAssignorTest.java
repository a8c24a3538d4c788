package io.millrace.broker.coordinator.group.assignor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class UniformAssignorTest {

    private final UniformAssignor assignor = new UniformAssignor();
    private final Uuid t1 = Uuid.randomUuid();
    private final Uuid t2 = Uuid.randomUuid();

    @Test
    void spreadsPartitionsEvenlyOverMembersWithTheSameSubscription() {
        Map<String, Assignment> result = assignor.assign(
                List.of(member("a", Set.of(t1)), member("b", Set.of(t1)), member("c", Set.of(t1))), Map.of(t1, 7));

        assertThat(result.values()).extracting(Assignment::size).containsExactlyInAnyOrder(3, 2, 2);
        assertThat(union(result)).isEqualTo(all(t1, 7));
    }

    @Test
    void addingAMemberMovesOnlyThePartitionsItNeeds() {
        Map<String, Assignment> two =
                assignor.assign(List.of(member("a", Set.of(t1)), member("b", Set.of(t1))), Map.of(t1, 6));

        Map<String, Assignment> three = assignor.assign(
                List.of(
                        member("a", Set.of(t1), two.get("a")),
                        member("b", Set.of(t1), two.get("b")),
                        member("c", Set.of(t1))),
                Map.of(t1, 6));

        assertThat(three.get("a").size()).isEqualTo(2);
        assertThat(three.get("b").size()).isEqualTo(2);
        assertAAndBKeptTheirPartitions(two, three);
        assertThat(union(three)).isEqualTo(all(t1, 6));
    }

    @Test
    void removingAMemberKeepsTheOthersPartitions() {
        Map<String, Assignment> three = assignor.assign(
                List.of(member("a", Set.of(t1)), member("b", Set.of(t1)), member("c", Set.of(t1))), Map.of(t1, 6));

        Map<String, Assignment> two = assignor.assign(
                List.of(member("a", Set.of(t1), three.get("a")), member("b", Set.of(t1), three.get("b"))),
                Map.of(t1, 6));

        assertAAndBKeptTheirPartitions(two, three);
        assertThat(union(two)).isEqualTo(all(t1, 6));
    }

    @Test
    void membersOnlyGetTopicsTheySubscribeTo() {
        Map<String, Assignment> result =
                assignor.assign(List.of(member("a", Set.of(t1)), member("b", Set.of(t1, t2))), Map.of(t1, 2, t2, 4));

        assertThat(result.get("a").partitions().keySet()).containsExactly(t1);
        assertThat(result.get("b").partitions().get(t2)).hasSize(4);
        assertThat(result.get("a").size() + result.get("b").size()).isEqualTo(6);
    }

    @Test
    void partitionsOfTopicsNoLongerSubscribedOrGoneAreDropped() {
        Assignment stale = Assignment.of(Map.of(t1, Set.of(0, 1, 5), t2, Set.of(0)));

        Map<String, Assignment> result = assignor.assign(List.of(member("a", Set.of(t1), stale)), Map.of(t1, 3));

        assertThat(result.get("a")).isEqualTo(Assignment.of(Map.of(t1, Set.of(0, 1, 2))));
    }

    @Test
    void sameInputGivesTheSameOutput() {
        List<MemberSpec> members =
                List.of(member("a", Set.of(t1, t2)), member("b", Set.of(t1)), member("c", Set.of(t2)));

        assertThat(assignor.assign(members, Map.of(t1, 5, t2, 5)))
                .isEqualTo(assignor.assign(members, Map.of(t1, 5, t2, 5)));
    }

    private static MemberSpec member(String id, Set<Uuid> topics) {
        return member(id, topics, Assignment.EMPTY);
    }

    /** A dynamic member that holds {@code current} from the previous assignment. */
    private static MemberSpec member(String id, Set<Uuid> topics, Assignment current) {
        return new MemberSpec(id, null, topics, current);
    }

    /**
     * Members a and b, present in both assignments of t1, hold in the three-member one only
     * partitions they hold in the two-member one: no partition moved between them.
     */
    private void assertAAndBKeptTheirPartitions(Map<String, Assignment> ofTwo, Map<String, Assignment> ofThree) {
        for (String m : List.of("a", "b")) {
            assertThat(ofTwo.get(m).partitions().get(t1))
                    .as(m)
                    .containsAll(ofThree.get(m).partitions().get(t1));
        }
    }

    static Assignment union(Map<String, Assignment> result) {
        Assignment all = Assignment.EMPTY;
        int total = 0;
        for (Assignment a : result.values()) {
            total += a.size();
            all = all.union(a);
        }
        assertThat(all.size()).as("no partition is given twice").isEqualTo(total);
        return all;
    }

    static Assignment all(Uuid topic, int partitions) {
        Set<Integer> ps = new TreeSet<>();
        for (int i = 0; i < partitions; i++) {
            ps.add(i);
        }
        Map<Uuid, List<Integer>> m = new HashMap<>();
        m.put(topic, new ArrayList<>(ps));
        return Assignment.of(m);
    }
}
