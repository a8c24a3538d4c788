package io.millrace.broker.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.coordinator.group.GroupRecord.MemberAssignmentState;
import io.millrace.broker.coordinator.group.assignor.Assignment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.junit.jupiter.api.Test;

class ReconciliationTest {

    private final Uuid t = Uuid.randomUuid();

    @Test
    void partitionsToGiveUpAreRevokedBeforeTheEpochMoves() {
        ConsumerMember m = member(3, MemberState.STABLE, Set.of(0, 1, 2), Set.of());

        MemberAssignmentState next = Reconciliation.next(m, 4, of(0, 1), (topic, p) -> false, owned(0, 1, 2));

        assertThat(next.state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        assertThat(next.memberEpoch()).isEqualTo(3);
        assertThat(next.assigned()).isEqualTo(of(0, 1));
        assertThat(next.pendingRevocation()).isEqualTo(of(2));
    }

    @Test
    void revocationIsAcknowledgedWhenTheHeartbeatNoLongerListsThePartition() {
        ConsumerMember m = member(3, MemberState.UNREVOKED_PARTITIONS, Set.of(0, 1), Set.of(2));

        assertThat(Reconciliation.next(m, 4, of(0, 1), (topic, p) -> false, owned(0, 1, 2)))
                .as("still owned")
                .isEqualTo(m.assignmentState());
        assertThat(Reconciliation.next(m, 4, of(0, 1), (topic, p) -> false, null))
                .as("not reported")
                .isEqualTo(m.assignmentState());

        MemberAssignmentState next = Reconciliation.next(m, 4, of(0, 1), (topic, p) -> false, owned(0, 1));
        assertThat(next.state()).isEqualTo(MemberState.STABLE);
        assertThat(next.memberEpoch()).isEqualTo(4);
        assertThat(next.pendingRevocation().isEmpty()).isTrue();
    }

    @Test
    void partitionsStillOwnedByOthersAreNotHandedOut() {
        ConsumerMember m = member(3, MemberState.STABLE, Set.of(0), Set.of());

        MemberAssignmentState next = Reconciliation.next(m, 4, of(0, 1, 2), (topic, p) -> p == 2, owned(0));

        assertThat(next.state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(next.memberEpoch()).isEqualTo(4);
        assertThat(next.assigned()).isEqualTo(of(0, 1));

        ConsumerMember waiting = m.withAssignmentState(next);
        MemberAssignmentState released = Reconciliation.next(waiting, 4, of(0, 1, 2), (topic, p) -> false, owned(0, 1));
        assertThat(released.state()).isEqualTo(MemberState.STABLE);
        assertThat(released.assigned()).isEqualTo(of(0, 1, 2));
    }

    @Test
    void reconciledMemberStaysAsItIs() {
        ConsumerMember m = member(4, MemberState.STABLE, Set.of(0), Set.of());

        assertThat(Reconciliation.next(m, 4, of(0, 1), (topic, p) -> false, owned(0)))
                .isEqualTo(m.assignmentState());
    }

    private ConsumerMember member(int epoch, MemberState state, Set<Integer> assigned, Set<Integer> revoking) {
        return new ConsumerMember(
                "m",
                ConsumerGroup.emptySubscription(),
                epoch,
                epoch - 1,
                state,
                Assignment.of(Map.of(t, assigned)),
                Assignment.of(Map.of(t, revoking)));
    }

    private Assignment of(Integer... partitions) {
        return Assignment.of(Map.of(t, List.of(partitions)));
    }

    private List<TopicPartitions> owned(Integer... partitions) {
        return List.of(new TopicPartitions().setTopicId(t).setPartitions(new ArrayList<>(List.of(partitions))));
    }
}
