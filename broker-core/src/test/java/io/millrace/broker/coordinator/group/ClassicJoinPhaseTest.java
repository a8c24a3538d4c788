package io.millrace.broker.coordinator.group;

import static io.millrace.broker.coordinator.group.CoordinatorHarness.commitErrors;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the join phase of a rebalance of a classic group ends, on a manual clock, with Kafka's
 * contract: once every known member rejoined, or when the rebalance timeout (the largest
 * {@code max.poll.interval.ms} of the members) runs out, dropping the dynamic members that did
 * not rejoin. A member busy between two polls keeps heartbeating (REBALANCE_IN_PROGRESS keeps its
 * session, and so do its offset commits) and keeps its partitions until then. The initial rebalance delay (3 s here, the
 * default) applies only to a group that forms from empty.
 */
@Timeout(30)
class ClassicJoinPhaseTest {

    private static final int SESSION = 45_000;
    private static final int REBALANCE = 10_000;
    /** The shortest session the broker accepts; librdkafka needs session.timeout.ms <= max.poll.interval.ms. */
    private static final int SHORT_SESSION = 6_000;

    private static final int HEARTBEAT_INTERVAL = 3_000;
    private static final int INITIAL_DELAY = 3_000;

    private final CoordinatorHarness h =
            new CoordinatorHarness(Map.of("group.initial.rebalance.delay.ms", String.valueOf(INITIAL_DELAY)));

    @BeforeEach
    void createTopic() {
        h.topics.create("t", 1);
    }

    @Test
    void busyMemberKeepsItsPartitionsUntilItRejoinsWithinTheRebalanceTimeout() {
        JoinGroupResponseData a = stableAlone(SESSION, REBALANCE);

        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        // A is busy between two polls: only its heartbeat thread talks to the coordinator.
        heartbeatUntil(a, 9_000);
        assertJoinPhaseOpen(a, b);

        CompletableFuture<JoinGroupResponseData> aAgain = rejoin(a, SESSION, REBALANCE);

        assertNextGeneration(a, aAgain, b);
        assertThat(leaderOf(done(aAgain), done(b)).members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(a.memberId(), done(b).memberId());
    }

    @Test
    void memberThatNeverRejoinsIsRemovedAtExactlyTheRebalanceTimeout() {
        JoinGroupResponseData a = stableAlone(SESSION, REBALANCE);

        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        heartbeatUntil(a, REBALANCE - 1);
        assertJoinPhaseOpen(a, b);

        h.advance(1);

        assertNextGeneration(a, b);
        assertThat(done(b).leader()).isEqualTo(done(b).memberId());
        assertThat(done(b).members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactly(done(b).memberId());
        assertThat(h.heartbeat("g", a.memberId(), null, a.generationId())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void joinPhaseWaitsForTheLargestRebalanceTimeoutOfTheMembers() {
        JoinGroupResponseData a = stableAlone(SESSION, REBALANCE);

        // B polls more often than A: A's longer max.poll.interval.ms still bounds the wait.
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, 4_000);
        heartbeatUntil(a, REBALANCE - 1);
        assertJoinPhaseOpen(a, b);
        h.advance(1);
        assertNextGeneration(a, b);

        // And a joining member with a longer one than everybody else extends it.
        h.await(h.sync("g", done(b).memberId(), done(b).generationId(), Map.of()));
        CompletableFuture<JoinGroupResponseData> c = h.joinNew("g", SESSION, 3 * REBALANCE);
        h.advance(3 * REBALANCE - 1);
        assertThat(c).isNotDone();
        h.advance(1);
        assertNextGeneration(done(b), c);
    }

    @Test
    void joinPhaseEndsAsSoonAsEveryMemberRejoinedWithoutAnyInitialDelay() {
        JoinGroupResponseData a = stableAlone(SESSION, REBALANCE);
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        h.advance(1_000);

        CompletableFuture<JoinGroupResponseData> aAgain = rejoin(a, SESSION, REBALANCE);

        assertNextGeneration(a, aAgain, b);
    }

    @Test
    void heartbeatsDuringTheJoinPhaseKeepAShortSessionAlive() {
        JoinGroupResponseData a = stableAlone(SHORT_SESSION, REBALANCE);

        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SHORT_SESSION, REBALANCE);
        heartbeatUntil(a, 9_900);
        assertJoinPhaseOpen(a, b);

        CompletableFuture<JoinGroupResponseData> aAgain = rejoin(a, SHORT_SESSION, REBALANCE);
        assertNextGeneration(a, aAgain);
    }

    @Test
    void offsetCommitsKeepTheSessionAliveLikeHeartbeats() {
        JoinGroupResponseData a = stableAlone(SHORT_SESSION, REBALANCE);

        // While the group is stable, and then while it waits for A to rejoin, A only commits.
        commitUntil(a, 3 * SHORT_SESSION / 2);
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SHORT_SESSION, REBALANCE);
        commitUntil(a, 3 * SHORT_SESSION / 2);
        assertThat(b).isNotDone();

        CompletableFuture<JoinGroupResponseData> aAgain = rejoin(a, SHORT_SESSION, REBALANCE);
        assertNextGeneration(a, aAgain, b);
    }

    @Test
    void memberWhoseSessionRunsOutEndsTheJoinPhaseThen() {
        JoinGroupResponseData a = stableAlone(SHORT_SESSION, REBALANCE);

        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SHORT_SESSION, REBALANCE);
        h.advance(1_000);
        assertThat(h.heartbeat("g", a.memberId(), null, a.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        // A's process dies: no more heartbeats. Its session ends 6 s after the last one.
        h.advance(SHORT_SESSION - 1);
        assertThat(b).isNotDone();
        h.advance(1);

        assertThat(done(b).members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactly(done(b).memberId());
    }

    @Test
    void memberLeavingDuringTheJoinPhaseEndsItWhenTheOthersRejoined() {
        JoinGroupResponseData a = stableAlone(SESSION, REBALANCE);
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        h.advance(2_000);

        h.await(h.coordinator.leaveGroup("g", List.of(new MemberIdentity().setMemberId(a.memberId()))));

        assertNextGeneration(a, b);
        assertThat(done(b).members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactly(done(b).memberId());
    }

    @Test
    void staticMemberThatDoesNotRejoinStaysInTheNextGeneration() {
        JoinGroupResponseData a = stableAlone(h.join(
                CoordinatorHarness.joinRequest("g", "", "instance-a", SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));

        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        heartbeatUntil(a, "instance-a", REBALANCE - 1);
        assertThat(b).isNotDone();
        h.advance(1);

        assertNextGeneration(a, b);
        assertThat(done(b).members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(a.memberId(), done(b).memberId());
    }

    @Test
    void staticMemberRestartingDuringTheJoinPhaseCompletesItAtOnce() {
        JoinGroupResponseData a = stableAlone(h.join(
                CoordinatorHarness.joinRequest("g", "", "instance-a", SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        h.advance(2_000);

        // The process restarts with the same group.instance.id and no member id.
        CompletableFuture<JoinGroupResponseData> restarted = h.join(
                CoordinatorHarness.joinRequest("g", "", "instance-a", SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION);
        h.executor.runAll();

        assertNextGeneration(a, restarted, b);
        assertThat(h.heartbeat("g", a.memberId(), "instance-a", a.generationId()))
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
    }

    @Test
    void pendingMemberThatNeverComesBackHoldsTheJoinPhaseUntilItsSessionEnds() {
        JoinGroupResponseData a = stableAlone(SESSION, REBALANCE);
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        // C is told its member id but never comes back with it.
        JoinGroupResponseData c = h.await(h.join(
                CoordinatorHarness.joinRequest("g", "", null, SHORT_SESSION, REBALANCE, "range"),
                CoordinatorHarness.JOIN_VERSION));
        assertThat(Errors.forCode(c.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        h.advance(1_000);
        CompletableFuture<JoinGroupResponseData> aAgain = rejoin(a, SESSION, REBALANCE);

        h.advance(SHORT_SESSION - 1_000 - 1);
        assertThat(aAgain).as("every member rejoined, but C may still come").isNotDone();
        h.advance(1);

        assertNextGeneration(a, aAgain);
        assertThat(leaderOf(done(aAgain), done(b)).members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(a.memberId(), done(b).memberId());
    }

    @Test
    void newMembersParkedJoinOutlivesItsOwnSessionTimeout() {
        int longPoll = 60_000;
        int shortSession = 10_000;
        JoinGroupResponseData a = stableAlone(SESSION, longPoll);

        // B cannot heartbeat while its JoinGroup is parked: its session must not expire it.
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", shortSession, REBALANCE);
        heartbeatUntil(a, 3 * shortSession);
        assertThat(b).isNotDone();

        CompletableFuture<JoinGroupResponseData> aAgain = rejoin(a, SESSION, longPoll);
        assertNextGeneration(a, aAgain, b);
    }

    @Test
    void memberThatDoesNotSyncWithinTheRebalanceTimeoutIsRemoved() {
        JoinGroupResponseData a = stableAlone(SESSION, REBALANCE);
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g", SESSION, REBALANCE);
        CompletableFuture<JoinGroupResponseData> aAgain = rejoin(a, SESSION, REBALANCE);
        JoinGroupResponseData leader = leaderOf(done(aAgain), done(b));
        JoinGroupResponseData follower = leader == done(aAgain) ? done(b) : done(aAgain);

        // The follower syncs and heartbeats; the leader never sends its SyncGroup.
        CompletableFuture<SyncGroupResponseData> followerSync =
                h.sync("g", follower.memberId(), follower.generationId(), Map.of());
        h.advance(REBALANCE - 1);
        assertThat(followerSync).isNotDone();
        h.advance(1);

        assertThat(Errors.forCode(done(followerSync).errorCode())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(h.heartbeat("g", leader.memberId(), null, leader.generationId()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        CompletableFuture<JoinGroupResponseData> followerAgain = rejoin(follower, SESSION, REBALANCE);
        assertThat(done(followerAgain).members())
                .extracting(JoinGroupResponseMember::memberId)
                .containsExactly(follower.memberId());
    }

    /** A joins the empty group alone (after the initial delay) and syncs: generation 1, it owns everything. */
    private JoinGroupResponseData stableAlone(int sessionMs, int rebalanceMs) {
        return stableAlone(h.joinNew("g", sessionMs, rebalanceMs));
    }

    private JoinGroupResponseData stableAlone(CompletableFuture<JoinGroupResponseData> joined) {
        h.executor.runAll();
        h.advance(INITIAL_DELAY - 1);
        assertThat(joined).as("a new group waits the initial delay").isNotDone();
        h.advance(1);
        JoinGroupResponseData a = done(joined);
        h.await(h.sync("g", a.memberId(), a.generationId(), Map.of(a.memberId(), new byte[] {1})));
        return a;
    }

    private void heartbeatUntil(JoinGroupResponseData member, long elapsedMs) {
        heartbeatUntil(member, null, elapsedMs);
    }

    /** The member's heartbeat thread beats every 3 s for {@code elapsedMs}, each answered REBALANCE_IN_PROGRESS. */
    private void heartbeatUntil(JoinGroupResponseData member, String instanceId, long elapsedMs) {
        long elapsed = 0;
        while (elapsed < elapsedMs) {
            long step = Math.min(HEARTBEAT_INTERVAL, elapsedMs - elapsed);
            h.advance(step);
            elapsed += step;
            assertThat(h.heartbeat("g", member.memberId(), instanceId, member.generationId()))
                    .as("heartbeat %d ms into the join phase", elapsed)
                    .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        }
    }

    /** The member commits every 3 s for {@code elapsedMs} (and does not heartbeat), each commit accepted. */
    private void commitUntil(JoinGroupResponseData member, long elapsedMs) {
        for (long elapsed = 0; elapsed < elapsedMs; elapsed += HEARTBEAT_INTERVAL) {
            h.advance(HEARTBEAT_INTERVAL);
            assertThat(commit(member)).containsOnly(Errors.NONE);
        }
    }

    private List<Errors> commit(JoinGroupResponseData member) {
        return commitErrors(h.commit("g", member.memberId(), member.generationId(), (short) 8, "t", Map.of(0, 5L), ""));
    }

    /** The rebalance is still collecting members: no new generation, A still a member that may commit. */
    private void assertJoinPhaseOpen(JoinGroupResponseData a, CompletableFuture<JoinGroupResponseData> joining) {
        assertThat(joining).as("the joining member waits for the others").isNotDone();
        DescribedGroup described =
                h.await(h.coordinator.describeGroups(List.of("g"), (short) 5)).get(0);
        assertThat(described.groupState()).isEqualTo("PreparingRebalance");
        assertThat(described.members())
                .extracting(DescribedGroupMember::memberId)
                .contains(a.memberId());
        assertThat(commit(a)).as("A may still commit for its generation").containsOnly(Errors.NONE);
    }

    private CompletableFuture<JoinGroupResponseData> rejoin(
            JoinGroupResponseData member, int sessionMs, int rebalanceMs) {
        CompletableFuture<JoinGroupResponseData> f = h.join(
                CoordinatorHarness.joinRequest("g", member.memberId(), null, sessionMs, rebalanceMs, "range"),
                CoordinatorHarness.JOIN_VERSION);
        h.executor.runAll();
        return f;
    }

    /** Each join was answered with the generation after {@code previous}'s. */
    @SafeVarargs
    private static void assertNextGeneration(
            JoinGroupResponseData previous, CompletableFuture<JoinGroupResponseData>... joins) {
        for (CompletableFuture<JoinGroupResponseData> join : joins) {
            assertThat(done(join).generationId()).isEqualTo(previous.generationId() + 1);
        }
    }

    private static JoinGroupResponseData leaderOf(JoinGroupResponseData x, JoinGroupResponseData y) {
        return x.leader().equals(x.memberId()) ? x : y;
    }

    private static <T> T done(CompletableFuture<T> future) {
        assertThat(future).as("answered").isDone();
        return future.join();
    }
}
