package io.millrace.broker.coordinator.group;

import static io.millrace.broker.coordinator.group.CoordinatorHarness.commitErrors;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OffsetCommit, OffsetFetch and OffsetDelete rules, retention and durability, on a manual clock. */
@Timeout(30)
class OffsetCommitTest {

    private static final short V8 = 8;
    private static final short V9 = 9;

    private CoordinatorHarness h;

    @BeforeEach
    void setUp() {
        h = new CoordinatorHarness(
                Map.of("offsets.retention.ms", "60000", "offsets.retention.check.interval.ms", "1000"));
        h.topics.create("t", 3);
    }

    /** An OffsetFetch of every offset {@code group} committed (no topics named), not awaited. */
    private static CompletableFuture<List<OffsetFetchResponseGroup>> fetchAll(
            GroupCoordinator coordinator, String group) {
        return coordinator.fetchOffsets(
                List.of(new OffsetFetchRequestGroup().setGroupId(group).setTopics(null)), false);
    }

    @Test
    void nonMemberCommitCreatesASimpleGroupAndKeepsTheMetadata() {
        List<Errors> errors =
                commitErrors(h.commit("flink-job", "", -1, V8, "t", Map.of(0, 42L, 1, 7L), "checkpoint-17"));

        assertThat(errors).containsOnly(Errors.NONE);
        OffsetFetchResponsePartitions p0 =
                h.fetch("flink-job", "t", 0).topics().get(0).partitions().get(0);
        assertThat(p0.committedOffset()).isEqualTo(42L);
        assertThat(p0.metadata()).isEqualTo("checkpoint-17");
        assertThat(p0.committedLeaderEpoch()).isEqualTo(3);
        assertThat(h.await(h.coordinator.listGroups(List.of(), List.of())).groups())
                .anySatisfy(g -> {
                    assertThat(g.groupId()).isEqualTo("flink-job");
                    assertThat(g.protocolType()).isEmpty();
                    assertThat(g.groupState()).isEqualTo("Empty");
                });
    }

    @Test
    void unknownPartitionsAndLongMetadataFailAlone() {
        List<Errors> errors = commitErrors(h.commit("g", "", -1, V8, "t", Map.of(0, 1L, 7, 1L), null));
        assertThat(errors).containsExactlyInAnyOrder(Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION);

        CoordinatorHarness small = new CoordinatorHarness(Map.of("offset.metadata.max.bytes", "4"));
        small.topics.create("t", 1);
        assertThat(commitErrors(small.commit("g", "", -1, V8, "t", Map.of(0, 1L), "12345")))
                .containsExactly(Errors.OFFSET_METADATA_TOO_LARGE);
        assertThat(small.committed("g", "t", 0)).isEqualTo(-1L);

        assertThat(commitErrors(h.commit("g", "", -1, V8, "missing-topic-is-unknown", Map.of(), null)))
                .isEmpty();
    }

    @Test
    void nonMemberCommitToAnActiveClassicGroupIsRefused() {
        JoinGroupResponseData member = activeMember("g");

        assertThat(commitErrors(h.commit("g", "", -1, V8, "t", Map.of(0, 1L), null)))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commitErrors(h.commit("g", member.memberId(), member.generationId(), V8, "t", Map.of(0, 5L), null)))
                .containsExactly(Errors.NONE);
        assertThat(commitErrors(
                        h.commit("g", member.memberId(), member.generationId() + 1, V8, "t", Map.of(0, 6L), null)))
                .containsExactly(Errors.ILLEGAL_GENERATION);
        assertThat(h.committed("g", "t", 0)).isEqualTo(5L);
    }

    @Test
    void memberCommitToAnUnknownGroupFailsAccordingToTheVersion() {
        assertThat(commitErrors(h.commit("nobody", "m", 3, V8, "t", Map.of(0, 1L), null)))
                .containsExactly(Errors.ILLEGAL_GENERATION);
        assertThat(commitErrors(h.commit("nobody", "m", 3, V9, "t", Map.of(0, 1L), null)))
                .containsExactly(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void commitsByTopicIdAreAnsweredByTopicId() {
        List<Errors> errors = commitErrors(h.commit("g", "", -1, (short) 10, "t", Map.of(2, 99L), "m"));

        assertThat(errors).containsExactly(Errors.NONE);
        assertThat(h.committed("g", "t", 2)).isEqualTo(99L);
    }

    @Test
    void fetchOfUnknownGroupOrPartitionReturnsNoOffset() {
        OffsetFetchResponseGroup none = h.fetch("nobody", "t", 0, 1);

        assertThat(Errors.forCode(none.errorCode())).isEqualTo(Errors.NONE);
        assertThat(none.topics().get(0).partitions())
                .extracting(OffsetFetchResponsePartitions::committedOffset)
                .containsExactly(-1L, -1L);
        assertThat(h.fetch("nobody", null).topics()).isEmpty();
    }

    @Test
    void fetchAnswersOnlyOnceEarlierCommitsAreDurable() {
        h.commit("g", "", -1, V8, "t", Map.of(0, 1L), null);
        h.log.holdDurability(true);
        var commit = h.coordinator.commitOffsets(
                new ClientInfo("c", "/h", V8),
                new org.apache.kafka.common.message.OffsetCommitRequestData()
                        .setGroupId("g")
                        .setGenerationIdOrMemberEpoch(-1)
                        .setMemberId("")
                        .setTopics(List.of(
                                new org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic()
                                        .setName("t")
                                        .setPartitions(List.of(new org.apache.kafka.common.message
                                                        .OffsetCommitRequestData.OffsetCommitRequestPartition()
                                                .setPartitionIndex(0)
                                                .setCommittedOffset(2L))))));
        var fetch = fetchAll(h.coordinator, "g");
        h.executor.runAll();
        assertThat(commit).isNotDone();
        assertThat(fetch).isNotDone();

        h.log.flush();
        h.executor.runAll();

        assertThat(commit).isDone();
        assertThat(fetch.join().get(0).topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(2L);
    }

    @Test
    void failedWriteIsReportedAndTheCommitIsNotKept() {
        h.commit("g", "", -1, V8, "t", Map.of(0, 1L), null);
        h.log.failNextAppend(Errors.KAFKA_STORAGE_ERROR);

        List<Errors> errors = commitErrors(h.commit("g", "", -1, V8, "t", Map.of(0, 2L), null));

        assertThat(errors).containsExactly(Errors.NOT_COORDINATOR);
        assertThat(h.committed("g", "t", 0)).as("state reloaded from the log").isEqualTo(1L);
    }

    @Test
    void requestsWhileAPartitionLoadsAreAskedToRetry() {
        h.commit("g", "", -1, V8, "t", Map.of(0, 10L), null);
        List<Runnable> loads = new java.util.ArrayList<>();
        GroupCoordinator loading = new GroupCoordinator(h.config, h.clock, h.executor, h.log, h.topics);
        loading.startup(loads::add);

        var early = h.await(fetchAll(loading, "g")).get(0);
        assertThat(Errors.forCode(early.errorCode())).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(Errors.forCode(
                        h.await(loading.listGroups(List.of(), List.of())).errorCode()))
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);

        loads.forEach(Runnable::run);
        var loaded = h.await(fetchAll(loading, "g")).get(0);
        assertThat(loaded.topics().get(0).partitions().get(0).committedOffset()).isEqualTo(10L);
    }

    @Test
    void committedOffsetsAndMetadataSurviveARestart() {
        h.commit("g", "", -1, V8, "t", Map.of(0, 10L, 1, 20L), "meta");

        h.restart();

        assertThat(h.committed("g", "t", 0)).isEqualTo(10L);
        assertThat(h.fetch("g", "t", 1).topics().get(0).partitions().get(0).metadata())
                .isEqualTo("meta");
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndTheGroupGoesAway() {
        h.commit("g", "", -1, V8, "t", Map.of(0, 10L), null);

        h.advance(59_000);
        assertThat(h.committed("g", "t", 0)).isEqualTo(10L);
        h.advance(2_000);

        assertThat(h.committed("g", "t", 0)).isEqualTo(-1L);
        assertThat(h.await(h.coordinator.listGroups(List.of(), List.of())).groups())
                .isEmpty();
        h.restart();
        assertThat(h.committed("g", "t", 0)).as("the tombstone is in the log").isEqualTo(-1L);
    }

    @Test
    void offsetsOfAGroupWithMembersDoNotExpire() {
        JoinGroupResponseData member = activeMember("g");
        h.commit("g", member.memberId(), member.generationId(), V8, "t", Map.of(0, 10L), null);

        for (int i = 0; i < 20; i++) {
            h.advance(5_000);
            h.heartbeat("g", member.memberId(), null, member.generationId());
        }

        assertThat(h.committed("g", "t", 0)).isEqualTo(10L);
    }

    @Test
    void deletingATopicDeletesItsOffsets() {
        h.commit("g", "", -1, V8, "t", Map.of(0, 10L), null);

        h.topics.delete("t");
        h.coordinator.onTopicDeleted("t");
        h.executor.runAll();

        assertThat(h.fetch("g", null).topics()).isEmpty();
    }

    @Test
    void offsetDeleteRefusesTopicsTheGroupConsumes() {
        JoinGroupResponseData member = activeMember("g");
        h.commit("g", member.memberId(), member.generationId(), V8, "t", Map.of(0, 10L), null);

        OffsetDeleteResponseData refused = h.await(h.coordinator.deleteOffsets(deleteRequest("g", "t", 0)));
        assertThat(refused.topics().find("t").partitions().find(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());

        h.await(h.coordinator.leaveGroup("g", List.of(new MemberIdentity().setMemberId(member.memberId()))));
        OffsetDeleteResponseData deleted = h.await(h.coordinator.deleteOffsets(deleteRequest("g", "t", 0)));
        assertThat(deleted.topics().find("t").partitions().find(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(h.committed("g", "t", 0)).isEqualTo(-1L);

        assertThat(h.await(h.coordinator.deleteOffsets(deleteRequest("nobody", "t", 0)))
                        .errorCode())
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void deleteGroupsRefusesGroupsWithMembersAndDeletesOffsetsOfEmptyOnes() {
        activeMember("busy");
        h.commit("idle", "", -1, V8, "t", Map.of(0, 10L), null);

        var results = h.await(h.coordinator.deleteGroups(List.of("busy", "idle", "missing")));

        assertThat(results.find("busy").errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(results.find("idle").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(results.find("missing").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        h.restart();
        assertThat(h.committed("idle", "t", 0)).isEqualTo(-1L);
    }

    private static OffsetDeleteRequestData deleteRequest(String group, String topic, int partition) {
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic()
                .setName(topic)
                .setPartitions(List.of(
                        new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(partition))));
        return new OffsetDeleteRequestData().setGroupId(group).setTopics(topics);
    }

    /** A single-member classic group, Stable, subscribed to "t". */
    private JoinGroupResponseData activeMember(String group) {
        CompletableFuture<JoinGroupResponseData> joined = h.joinNew(group, 10_000, 30_000);
        assertThat(joined).isDone();
        JoinGroupResponseData member = joined.join();
        h.await(h.sync(group, member.memberId(), member.generationId(), Map.of()));
        return member;
    }
}
