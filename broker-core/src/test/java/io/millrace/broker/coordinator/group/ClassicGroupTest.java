package io.millrace.broker.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The classic JoinGroup/SyncGroup/Heartbeat/LeaveGroup state machine, on a manual clock. */
@Timeout(30)
class ClassicGroupTest {

    private static final int SESSION = 10_000;
    private static final int REBALANCE = 30_000;

    private final CoordinatorHarness h = new CoordinatorHarness();

    @Test
    void newMemberMustRejoinWithTheMemberIdItWasGiven() {
        JoinGroupResponseData first =
                h.await(h.join(CoordinatorHarness.joinRequest("g", "", null, SESSION, REBALANCE, "range"), (short) 4));

        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-");

        JoinGroupResponseData second = h.await(h.join(
                CoordinatorHarness.joinRequest("g", first.memberId(), null, SESSION, REBALANCE, "range"), (short) 4));
        assertThat(Errors.forCode(second.errorCode())).isEqualTo(Errors.NONE);
        assertThat(second.memberId()).isEqualTo(first.memberId());
        assertThat(second.generationId()).isEqualTo(1);
        assertThat(second.leader()).isEqualTo(first.memberId());
        assertThat(second.members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactly(first.memberId());
    }

    @Test
    void oldClientsJoinWithoutTheMemberIdRoundTrip() {
        JoinGroupResponseData joined =
                h.await(h.join(CoordinatorHarness.joinRequest("g", "", null, SESSION, REBALANCE, "range"), (short) 3));

        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
    }

    @Test
    void initialRebalanceDelayLetsMembersStartingTogetherJoinOneGeneration() {
        CoordinatorHarness delayed = new CoordinatorHarness(Map.of("group.initial.rebalance.delay.ms", "3000"));
        CompletableFuture<JoinGroupResponseData> a = delayed.joinNew("g", SESSION, REBALANCE);
        delayed.advance(1000);
        CompletableFuture<JoinGroupResponseData> b = delayed.joinNew("g", SESSION, REBALANCE);
        delayed.advance(2500);
        assertThat(a).as("the delay was extended by the second member").isNotDone();

        delayed.advance(3000);

        assertThat(done(a).generationId()).isEqualTo(1);
        assertThat(done(b).generationId()).isEqualTo(1);
        assertThat(done(a).members()).hasSize(2);
        assertThat(done(b).members()).as("only the leader gets the member list").isEmpty();
    }

    @Test
    void followersGetTheLeadersAssignmentOnceItIsStored() {
        Stable g = stableGroupOfTwo();

        assertThat(g.leaderSync.assignment()).containsExactly(1);
        assertThat(g.followerSync.assignment()).containsExactly(2);
        assertThat(h.log.records(h.coordinator.partitionFor("g")))
                .filteredOn(r -> r instanceof GroupRecord.ClassicGroupMetadata)
                .last()
                .satisfies(r -> assertThat(
                                ((GroupRecord.ClassicGroupMetadata) r).value().members())
                        .hasSize(2));
    }

    @Test
    void followerSyncWaitsForTheLeader() {
        CoordinatorHarness h = new CoordinatorHarness(Map.of("group.initial.rebalance.delay.ms", "100"));
        CompletableFuture<JoinGroupResponseData> a = h.joinNew("g", SESSION, REBALANCE);
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        h.advance(200);
        JoinGroupResponseData leader = done(a).leader().equals(done(a).memberId()) ? done(a) : done(b);
        JoinGroupResponseData follower = leader == done(a) ? done(b) : done(a);

        CompletableFuture<SyncGroupResponseData> followerSync = h.sync("g", follower.memberId(), 1, Map.of());
        h.executor.runAll();
        assertThat(followerSync).isNotDone();

        h.await(h.sync("g", leader.memberId(), 1, Map.of(follower.memberId(), new byte[] {7})));
        assertThat(h.await(followerSync).assignment()).containsExactly(7);
    }

    @Test
    void heartbeatsReportRebalancesGenerationsAndUnknownMembers() {
        Stable g = stableGroupOfTwo();

        assertThat(h.heartbeat("g", g.leader, null, g.generation)).isEqualTo(Errors.NONE);
        assertThat(h.heartbeat("g", g.leader, null, g.generation - 1)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(h.heartbeat("g", "nobody", null, g.generation)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(h.heartbeat("no-such-group", g.leader, null, g.generation)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        h.joinNew("g", SESSION, REBALANCE);

        assertThat(h.heartbeat("g", g.follower, null, g.generation)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void memberThatStopsHeartbeatingIsRemovedAfterItsSessionTimeout() {
        Stable g = stableGroupOfTwo();

        // The leader keeps heartbeating; the follower went silent (killed without LeaveGroup).
        for (int i = 0; i < 3; i++) {
            h.advance(SESSION / 3);
            assertThat(h.heartbeat("g", g.leader, null, g.generation)).isEqualTo(Errors.NONE);
        }
        h.advance(SESSION / 3);

        assertThat(h.heartbeat("g", g.leader, null, g.generation)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData rejoined = h.await(h.join(
                CoordinatorHarness.joinRequest("g", g.leader, null, SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));
        assertThat(rejoined.generationId()).isEqualTo(g.generation + 1);
        assertThat(rejoined.members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactly(g.leader);
        assertThat(h.heartbeat("g", g.follower, null, g.generation)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void membersThatDoNotRejoinWithinTheRebalanceTimeoutAreDropped() {
        Stable g = stableGroupOfTwo();
        CompletableFuture<JoinGroupResponseData> rejoin = h.join(
                CoordinatorHarness.joinRequest("g", g.leader, null, SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION);
        h.executor.runAll();
        assertThat(rejoin).isNotDone();

        // The follower keeps heartbeating but never rejoins.
        for (int elapsed = 0; elapsed < REBALANCE; elapsed += 5000) {
            h.advance(5000);
            if (!rejoin.isDone()) {
                assertThat(h.heartbeat("g", g.follower, null, g.generation)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
            }
        }

        assertThat(rejoin).isDone();
        assertThat(done(rejoin).generationId()).isEqualTo(g.generation + 1);
        assertThat(done(rejoin).members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactly(g.leader);
    }

    @Test
    void pendingMemberThatNeverRejoinsExpires() {
        JoinGroupResponseData first = h.await(h.join(
                CoordinatorHarness.joinRequest("g", "", null, SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));
        h.advance(SESSION + 1);

        JoinGroupResponseData late = h.await(h.join(
                CoordinatorHarness.joinRequest("g", first.memberId(), null, SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));

        assertThat(Errors.forCode(late.errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void sessionTimeoutOutsideTheBrokerLimitsIsRefused() {
        JoinGroupResponseData tooShort = h.await(h.join(
                CoordinatorHarness.joinRequest("g", "", null, 1000, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));
        JoinGroupResponseData tooLong = h.await(h.join(
                CoordinatorHarness.joinRequest("g", "", null, 3_600_000, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));

        assertThat(Errors.forCode(tooShort.errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(Errors.forCode(tooLong.errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
    }

    @Test
    void fullGroupRefusesNewMembers() {
        CoordinatorHarness small = new CoordinatorHarness(Map.of("group.max.size", "1"));
        small.joinNew("g", SESSION, REBALANCE);
        small.executor.runAll();

        JoinGroupResponseData refused = small.await(small.join(
                CoordinatorHarness.joinRequest("g", "", "x", SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));

        assertThat(Errors.forCode(refused.errorCode())).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED);
    }

    @Test
    void memberWithADifferentProtocolTypeOrNoCommonProtocolIsInconsistent() {
        stableGroupOfTwo();
        var otherType = CoordinatorHarness.joinRequest("g", "", null, SESSION, REBALANCE, "range")
                .setProtocolType("connect");
        var otherProtocol = CoordinatorHarness.joinRequest("g", "", null, SESSION, REBALANCE, "roundrobin");

        assertThat(Errors.forCode(h.await(h.join(otherType, CoordinatorHarness.JOIN_VERSION))
                        .errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(Errors.forCode(h.await(h.join(otherProtocol, CoordinatorHarness.JOIN_VERSION))
                        .errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
    }

    @Test
    void protocolIsTheOneMostMembersPreferAmongThoseAllSupport() {
        CompletableFuture<JoinGroupResponseData> a = h.join(
                CoordinatorHarness.joinRequest("g", "", "a", SESSION, REBALANCE, "cooperative-sticky", "range"),
                CoordinatorHarness.JOIN_VERSION);
        CompletableFuture<JoinGroupResponseData> b = h.join(
                CoordinatorHarness.joinRequest("g", "", "b", SESSION, REBALANCE, "range", "cooperative-sticky"),
                CoordinatorHarness.JOIN_VERSION);
        CompletableFuture<JoinGroupResponseData> c = h.join(
                CoordinatorHarness.joinRequest("g", "", "c", SESSION, REBALANCE, "cooperative-sticky", "range"),
                CoordinatorHarness.JOIN_VERSION);
        h.executor.runAll();
        h.advance(1);
        // The first static member completed generation 1 alone; the others rejoin into generation 2.
        JoinGroupResponseData leader = done(a);
        h.await(h.join(
                CoordinatorHarness.joinRequest(
                        "g", leader.memberId(), "a", SESSION, REBALANCE, "cooperative-sticky", "range"),
                CoordinatorHarness.JOIN_VERSION));

        assertThat(done(b).protocolName()).isEqualTo("cooperative-sticky");
        assertThat(done(c).protocolName()).isEqualTo("cooperative-sticky");
    }

    @Test
    void followerRejoiningWithUnchangedMetadataGetsTheCurrentGenerationWithoutARebalance() {
        Stable g = stableGroupOfTwo();

        JoinGroupResponseData again = h.await(h.join(
                CoordinatorHarness.joinRequest("g", g.follower, null, SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));

        assertThat(again.generationId()).isEqualTo(g.generation);
        assertThat(h.heartbeat("g", g.leader, null, g.generation)).isEqualTo(Errors.NONE);
    }

    @Test
    void staticMemberRejoiningWithSameProtocolKeepsTheGenerationAndFencesItsOldId() {
        JoinGroupResponseData joined = staticMemberJoinsAlone("instance-a");
        h.await(h.sync("g", joined.memberId(), joined.generationId(), Map.of(joined.memberId(), new byte[] {5})));

        // The process restarts with the same group.instance.id and no member id.
        JoinGroupResponseData back = h.await(h.join(
                CoordinatorHarness.joinRequest("g", "", "instance-a", SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));

        assertThat(Errors.forCode(back.errorCode())).isEqualTo(Errors.NONE);
        assertThat(back.memberId()).isNotEqualTo(joined.memberId()).startsWith("instance-a-");
        assertThat(back.generationId()).as("no rebalance").isEqualTo(joined.generationId());
        assertThat(back.skipAssignment())
                .as("the leader keeps the existing assignment")
                .isTrue();
        assertThat(h.heartbeat("g", joined.memberId(), "instance-a", joined.generationId()))
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
        SyncGroupResponseData sync = h.await(h.sync("g", back.memberId(), back.generationId(), Map.of()));
        assertThat(sync.assignment()).containsExactly(5);
    }

    @Test
    void leaveGroupRemovesMembersByIdOrByInstanceId() {
        Stable g = stableGroupOfTwo();

        LeaveGroupResponseData left = h.await(h.coordinator.leaveGroup(
                "g",
                List.of(new MemberIdentity().setMemberId(g.follower), new MemberIdentity().setMemberId("nobody"))));

        assertThat(left.members())
                .extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(h.heartbeat("g", g.leader, null, g.generation)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void adminCanRemoveAStaticMemberByItsInstanceIdAlone() {
        JoinGroupResponseData joined = staticMemberJoinsAlone("instance-a");
        h.await(h.sync("g", joined.memberId(), joined.generationId(), Map.of()));

        LeaveGroupResponseData removed = h.await(h.coordinator.leaveGroup(
                "g",
                List.of(
                        new MemberIdentity().setMemberId("").setGroupInstanceId("instance-a"),
                        new MemberIdentity().setMemberId("").setGroupInstanceId("instance-unknown"))));

        assertThat(removed.members())
                .extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(h.heartbeat("g", joined.memberId(), "instance-a", joined.generationId()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void lastMemberLeavingEmptiesTheGroupAndStoresIt() {
        CompletableFuture<JoinGroupResponseData> a = h.joinNew("g", SESSION, REBALANCE);
        JoinGroupResponseData joined = done(a);
        h.await(h.sync("g", joined.memberId(), joined.generationId(), Map.of()));

        h.await(h.coordinator.leaveGroup("g", List.of(new MemberIdentity().setMemberId(joined.memberId()))));

        GroupRecord last =
                h.log.records(h.coordinator.partitionFor("g")).get(h.log.size(h.coordinator.partitionFor("g")) - 1);
        assertThat(last).isInstanceOfSatisfying(GroupRecord.ClassicGroupMetadata.class, r -> {
            assertThat(r.value().members()).isEmpty();
            assertThat(r.value().generation()).isEqualTo(joined.generationId() + 1);
        });
    }

    @Test
    void restartedCoordinatorKeepsTheStableGroupAndItsMembers() {
        Stable g = stableGroupOfTwo();

        h.restart();

        assertThat(h.heartbeat("g", g.leader, null, g.generation)).isEqualTo(Errors.NONE);
        JoinGroupResponseData again = h.await(h.join(
                CoordinatorHarness.joinRequest("g", g.follower, null, SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));
        assertThat(again.generationId()).isEqualTo(g.generation);
        // The follower never heartbeats again after the restart: its session expires.
        h.advance(SESSION / 2);
        assertThat(h.heartbeat("g", g.leader, null, g.generation)).isEqualTo(Errors.NONE);
        h.advance(SESSION / 2 + 1);
        assertThat(h.heartbeat("g", g.leader, null, g.generation)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    private static <T> T done(CompletableFuture<T> future) {
        assertThat(future).as("answered").isDone();
        return future.join();
    }

    /** A static member joins the empty group with no member id; alone, it is in generation 1 at once. */
    private JoinGroupResponseData staticMemberJoinsAlone(String instanceId) {
        CompletableFuture<JoinGroupResponseData> joined = h.join(
                CoordinatorHarness.joinRequest("g", "", instanceId, SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION);
        h.executor.runAll();
        return done(joined);
    }

    /** Two members, generation 2 (the second join rebalanced the group), both synced. */
    private Stable stableGroupOfTwo() {
        CompletableFuture<JoinGroupResponseData> a = h.joinNew("g", SESSION, REBALANCE);
        JoinGroupResponseData first = done(a);
        h.await(h.sync("g", first.memberId(), first.generationId(), Map.of(first.memberId(), new byte[] {9})));
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        CompletableFuture<JoinGroupResponseData> aAgain = h.join(
                CoordinatorHarness.joinRequest("g", first.memberId(), null, SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION);
        h.executor.runAll();
        JoinGroupResponseData leader = done(aAgain);
        JoinGroupResponseData follower = done(b);
        assertThat(leader.generationId()).isEqualTo(2);
        assertThat(leader.leader()).isEqualTo(leader.memberId());
        CompletableFuture<SyncGroupResponseData> followerSync = h.sync("g", follower.memberId(), 2, Map.of());
        SyncGroupResponseData leaderSync = h.await(h.sync(
                "g", leader.memberId(), 2, Map.of(leader.memberId(), new byte[] {1}, follower.memberId(), new byte[] {2
                })));
        return new Stable(leader.memberId(), follower.memberId(), 2, leaderSync, h.await(followerSync));
    }

    private record Stable(
            String leader,
            String follower,
            int generation,
            SyncGroupResponseData leaderSync,
            SyncGroupResponseData followerSync) {}
}
