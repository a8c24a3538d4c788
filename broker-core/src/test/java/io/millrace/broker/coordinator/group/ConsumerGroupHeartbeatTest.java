package io.millrace.broker.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** KIP-848 ConsumerGroupHeartbeat: epochs, server-side assignment, reconciliation, timeouts. */
@Timeout(30)
class ConsumerGroupHeartbeatTest {

    private static final int REBALANCE_TIMEOUT = 30_000;

    private CoordinatorHarness h;
    private Uuid topicId;

    @BeforeEach
    void setUp() {
        h = new CoordinatorHarness(
                Map.of("group.consumer.session.timeout.ms", "45000", "group.consumer.heartbeat.interval.ms", "5000"));
        topicId = h.topics.create("t", 6).id();
    }

    @Test
    void firstMemberGetsEveryPartitionAtEpochOne() {
        ConsumerGroupHeartbeatResponseData r = join("g", "a", List.of("t"));

        assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE);
        assertThat(r.memberEpoch()).isEqualTo(1);
        assertThat(r.heartbeatIntervalMs()).isEqualTo(5000);
        assertThat(partitions(r)).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void newMemberOnlyGetsPartitionsOnceTheOtherMemberRevokedThemAndUnaffectedOnesNeverMove() {
        ConsumerGroupHeartbeatResponseData a1 = join("g", "a", List.of("t"));
        Set<Integer> aOwned = partitions(a1);

        ConsumerGroupHeartbeatResponseData b1 = join("g", "b", List.of("t"));
        assertThat(b1.memberEpoch()).isEqualTo(2);
        assertThat(partitions(b1)).as("b must wait: a still owns them").isEmpty();

        ConsumerGroupHeartbeatResponseData a2 = heartbeat("g", "a", a1.memberEpoch(), owned(aOwned));
        assertThat(a2.memberEpoch()).as("a stays at its epoch until it revoked").isEqualTo(1);
        Set<Integer> aKeeps = partitions(a2);
        assertThat(aKeeps).hasSize(3).isSubsetOf(aOwned);

        ConsumerGroupHeartbeatResponseData a3 = heartbeat("g", "a", 1, owned(aKeeps));
        assertThat(a3.memberEpoch()).isEqualTo(2);
        assertThat(a3.assignment()).as("unchanged assignment is not resent").isNull();

        ConsumerGroupHeartbeatResponseData b2 = heartbeat("g", "b", 2, owned(Set.of()));
        Set<Integer> bGets = partitions(b2);
        assertThat(bGets).hasSize(3).doesNotContainAnyElementsOf(aKeeps);
        assertThat(state("g")).isEqualTo("Stable");
    }

    @Test
    void memberThatStopsHeartbeatingIsFencedAfterTheSessionTimeoutAndItsPartitionsMove() {
        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));
        ConsumerGroupHeartbeatResponseData b = join("g", "b", List.of("t"));
        settle("g", Map.of("a", a.memberEpoch(), "b", b.memberEpoch()));

        for (int i = 0; i < 10; i++) {
            h.advance(5000);
            heartbeat("g", "a", epoch("g", "a"), owned(assigned("g", "a")));
        }

        assertThat(h.await(h.coordinator.consumerGroupDescribe(List.of("g")))
                        .get(0)
                        .members())
                .extracting(m -> m.memberId())
                .containsExactly("a");
        ConsumerGroupHeartbeatResponseData gone = heartbeat("g", "b", b.memberEpoch(), owned(Set.of()));
        assertThat(Errors.forCode(gone.errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(assigned("g", "a")).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void memberThatDoesNotRevokeWithinItsRebalanceTimeoutIsFenced() {
        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));
        join("g", "b", List.of("t"));
        heartbeat("g", "a", a.memberEpoch(), owned(partitions(a)));

        // a keeps reporting the partitions it was asked to give up.
        for (int elapsed = 0; elapsed <= REBALANCE_TIMEOUT; elapsed += 5000) {
            h.advance(5000);
            heartbeat("g", "a", a.memberEpoch(), owned(partitions(a)));
        }

        assertThat(Errors.forCode(
                        heartbeat("g", "a", a.memberEpoch(), owned(Set.of())).errorCode()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void leavingMemberIsRemovedAndTheGroupEpochBumped() {
        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));

        ConsumerGroupHeartbeatResponseData left = send(request("g", "a", -1));

        assertThat(left.memberEpoch()).isEqualTo(-1);
        assertThat(state("g")).isEqualTo("Empty");
        assertThat(h.await(h.coordinator.consumerGroupDescribe(List.of("g")))
                        .get(0)
                        .groupEpoch())
                .isEqualTo(a.memberEpoch() + 1);
    }

    @Test
    void staticMemberThatLeftTemporarilyComesBackUnderANewIdWithItsPartitions() {
        ConsumerGroupHeartbeatResponseData a =
                send(joinRequest("g", "a1", List.of("t")).setInstanceId("instance-a"));
        ConsumerGroupHeartbeatResponseData left = send(request("g", "a1", -2).setInstanceId("instance-a"));
        assertThat(left.memberEpoch()).isEqualTo(-2);

        ConsumerGroupHeartbeatResponseData taken = send(
                joinRequest("g", "x", List.of("t")).setInstanceId("instance-a").setMemberId("intruder"));
        ConsumerGroupHeartbeatResponseData back =
                send(joinRequest("g", "a2", List.of("t")).setInstanceId("instance-a"));

        assertThat(Errors.forCode(taken.errorCode()))
                .as("the first rejoin wins")
                .isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(back.errorCode())).isEqualTo(Errors.UNRELEASED_INSTANCE_ID);
        assertThat(partitions(taken)).isEqualTo(partitions(a));
    }

    @Test
    void wrongEpochsAndUnknownMembersAreFenced() {
        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));

        assertThat(Errors.forCode(heartbeat("g", "a", a.memberEpoch() + 5, owned(Set.of()))
                        .errorCode()))
                .isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        assertThat(Errors.forCode(heartbeat("g", "zz", 1, owned(Set.of())).errorCode()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(Errors.forCode(heartbeat("nope", "a", 1, owned(Set.of())).errorCode()))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void invalidRequestsAreRefusedWithTheRightError() {
        assertThat(error(joinRequest("g", "", List.of("t")))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(joinRequest("g", "a", List.of("t")).setRebalanceTimeoutMs(-1)))
                .isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(joinRequest("g", "a", List.of("t")).setTopicPartitions(null)))
                .isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(joinRequest("g", "a", List.of("t")).setServerAssignor("sticky")))
                .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR);
        assertThat(error(joinRequest("g", "a", null).setSubscribedTopicRegex("t[")))
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);
        assertThat(error(joinRequest("", "a", List.of("t")))).isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void regexSubscriptionFollowsTopicsCreatedLater() {
        ConsumerGroupHeartbeatResponseData a = send(joinRequest("g", "a", null).setSubscribedTopicRegex("orders-.*"));
        assertThat(a.assignment().topicPartitions()).isEmpty();

        Uuid orders = h.topics.create("orders-eu", 2).id();
        ConsumerGroupHeartbeatResponseData next = heartbeat("g", "a", a.memberEpoch(), List.of());

        assertThat(next.memberEpoch()).isGreaterThan(a.memberEpoch());
        assertThat(next.assignment().topicPartitions()).singleElement().satisfies(tp -> {
            assertThat(tp.topicId()).isEqualTo(orders);
            assertThat(tp.partitions()).containsExactly(0, 1);
        });
    }

    @Test
    void assignmentFollowsNewPartitions() {
        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));

        h.topics.grow("t", 8);
        ConsumerGroupHeartbeatResponseData next = heartbeat("g", "a", a.memberEpoch(), owned(partitions(a)));

        assertThat(partitions(next)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void subscriptionChangeBumpsTheGroupEpochAndMovesTheAssignment() {
        Uuid other = h.topics.create("u", 2).id();
        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));

        ConsumerGroupHeartbeatResponseData changed = send(request("g", "a", a.memberEpoch())
                .setSubscribedTopicNames(List.of("u"))
                .setTopicPartitions(owned(partitions(a))));
        assertThat(changed.memberEpoch()).as("must first revoke t").isEqualTo(a.memberEpoch());
        assertThat(changed.assignment().topicPartitions()).isEmpty();

        ConsumerGroupHeartbeatResponseData moved = heartbeat("g", "a", a.memberEpoch(), List.of());
        assertThat(moved.memberEpoch()).isGreaterThan(a.memberEpoch());
        assertThat(moved.assignment().topicPartitions())
                .singleElement()
                .satisfies(tp -> assertThat(tp.topicId()).isEqualTo(other));
    }

    @Test
    void rangeAssignorCanBeChosenByTheMembers() {
        ConsumerGroupHeartbeatResponseData a =
                send(joinRequest("g", "a", List.of("t")).setServerAssignor("range"));
        ConsumerGroupHeartbeatResponseData b =
                send(joinRequest("g", "b", List.of("t")).setServerAssignor("range"));
        settle("g", Map.of("a", a.memberEpoch(), "b", b.memberEpoch()));

        assertThat(assigned("g", "a")).containsExactly(0, 1, 2);
        assertThat(assigned("g", "b")).containsExactly(3, 4, 5);
        assertThat(h.await(h.coordinator.consumerGroupDescribe(List.of("g")))
                        .get(0)
                        .assignorName())
                .isEqualTo("range");
    }

    @Test
    void membersKeepTheirEpochsAndPartitionsAcrossACoordinatorRestart() {
        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));

        h.restart();
        ConsumerGroupHeartbeatResponseData after = heartbeat("g", "a", a.memberEpoch(), owned(partitions(a)));

        assertThat(Errors.forCode(after.errorCode())).isEqualTo(Errors.NONE);
        assertThat(after.memberEpoch()).isEqualTo(a.memberEpoch());
        assertThat(assigned("g", "a")).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void memberCommitsWithItsEpochAndStaleEpochsAreRefused() {
        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));

        assertThat(CoordinatorHarness.commitErrors(
                        h.commit("g", "a", a.memberEpoch(), (short) 9, "t", Map.of(0, 5L), null)))
                .containsExactly(Errors.NONE);
        assertThat(CoordinatorHarness.commitErrors(
                        h.commit("g", "a", a.memberEpoch() - 1, (short) 9, "t", Map.of(0, 6L), null)))
                .containsExactly(Errors.STALE_MEMBER_EPOCH);
        assertThat(CoordinatorHarness.commitErrors(h.commit("g", "", -1, (short) 9, "t", Map.of(0, 7L), null)))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void emptyClassicGroupWithOffsetsBecomesAConsumerGroupAndKeepsTheOffsets() {
        h.commit("g", "", -1, (short) 8, "t", Map.of(0, 5L), null);

        ConsumerGroupHeartbeatResponseData a = join("g", "a", List.of("t"));

        assertThat(Errors.forCode(a.errorCode())).isEqualTo(Errors.NONE);
        assertThat(h.committed("g", "t", 0)).isEqualTo(5L);
        h.restart();
        assertThat(h.committed("g", "t", 0)).isEqualTo(5L);
        assertThat(state("g")).isEqualTo("Stable");
    }

    // ---- helpers

    private static ClientInfo client() {
        return new ClientInfo("consumer-1", "/127.0.0.1", (short) 1);
    }

    private static ConsumerGroupHeartbeatRequestData joinRequest(String group, String member, List<String> topics) {
        return request(group, member, 0)
                .setRebalanceTimeoutMs(REBALANCE_TIMEOUT)
                .setSubscribedTopicNames(topics)
                .setTopicPartitions(new ArrayList<>());
    }

    private static ConsumerGroupHeartbeatRequestData request(String group, String member, int epoch) {
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setMemberEpoch(epoch);
    }

    private ConsumerGroupHeartbeatResponseData send(ConsumerGroupHeartbeatRequestData request) {
        return h.await(h.coordinator.consumerGroupHeartbeat(client(), request));
    }

    private ConsumerGroupHeartbeatResponseData join(String group, String member, List<String> topics) {
        return send(joinRequest(group, member, topics));
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(
            String group, String member, int epoch, List<TopicPartitions> owned) {
        return send(request(group, member, epoch).setTopicPartitions(owned));
    }

    private Errors error(ConsumerGroupHeartbeatRequestData request) {
        return Errors.forCode(send(request).errorCode());
    }

    private List<TopicPartitions> owned(Set<Integer> partitions) {
        return List.of(new TopicPartitions().setTopicId(topicId).setPartitions(new ArrayList<>(partitions)));
    }

    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData r) {
        Set<Integer> out = new TreeSet<>();
        r.assignment().topicPartitions().forEach(tp -> out.addAll(tp.partitions()));
        return out;
    }

    private String state(String group) {
        return h.await(h.coordinator.consumerGroupDescribe(List.of(group)))
                .get(0)
                .groupState();
    }

    private int epoch(String group, String member) {
        return h.await(h.coordinator.consumerGroupDescribe(List.of(group))).get(0).members().stream()
                .filter(m -> m.memberId().equals(member))
                .findFirst()
                .orElseThrow()
                .memberEpoch();
    }

    private Set<Integer> assigned(String group, String member) {
        Set<Integer> out = new TreeSet<>();
        h.await(h.coordinator.consumerGroupDescribe(List.of(group))).get(0).members().stream()
                .filter(m -> m.memberId().equals(member))
                .findFirst()
                .orElseThrow()
                .assignment()
                .topicPartitions()
                .forEach(tp -> out.addAll(tp.partitions()));
        return out;
    }

    /** Heartbeats every member, reporting what it owns, until the group is Stable. */
    private void settle(String group, Map<String, Integer> members) {
        for (int round = 0; round < 10 && !state(group).equals("Stable"); round++) {
            for (String m : members.keySet()) {
                heartbeat(group, m, epoch(group, m), owned(new HashSet<>(assigned(group, m))));
            }
        }
        assertThat(state(group)).isEqualTo("Stable");
    }
}
