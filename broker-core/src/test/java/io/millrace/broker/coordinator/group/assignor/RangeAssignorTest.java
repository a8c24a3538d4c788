package io.millrace.broker.coordinator.group.assignor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class RangeAssignorTest {

    private final RangeAssignor assignor = new RangeAssignor();
    private final Uuid t1 = Uuid.randomUuid();
    private final Uuid t2 = Uuid.randomUuid();

    @Test
    void givesContiguousRangesTheFirstMembersOneMore() {
        Map<String, Assignment> result = assignor.assign(List.of(member("b"), member("a"), member("c")), Map.of(t1, 7));

        assertThat(result.get("a").partitions().get(t1)).containsExactly(0, 1, 2);
        assertThat(result.get("b").partitions().get(t1)).containsExactly(3, 4);
        assertThat(result.get("c").partitions().get(t1)).containsExactly(5, 6);
    }

    @Test
    void coPartitionedTopicsGetTheSamePartitionNumbers() {
        Map<String, Assignment> result = assignor.assign(List.of(member("a"), member("b")), Map.of(t1, 4, t2, 4));

        assertThat(result.get("a").partitions().get(t1))
                .isEqualTo(result.get("a").partitions().get(t2));
        assertThat(result.get("b").partitions().get(t1)).containsExactly(2, 3);
    }

    @Test
    void staticMembersAreOrderedByInstanceId() {
        Map<String, Assignment> result = assignor.assign(
                List.of(
                        new MemberSpec("zzz", "instance-1", Set.of(t1), Assignment.EMPTY),
                        new MemberSpec("aaa", "instance-2", Set.of(t1), Assignment.EMPTY)),
                Map.of(t1, 2));

        assertThat(result.get("zzz").partitions().get(t1)).containsExactly(0);
    }

    private MemberSpec member(String id) {
        return new MemberSpec(id, null, Set.of(t1, t2), Assignment.EMPTY);
    }
}
