package io.millrace.broker.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.log.VerificationGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Offsets committed within transactions: pending until the marker, requireStable, KIP-447 fencing, replay. */
@Timeout(30)
class TxnOffsetCommitTest {

    private static final short V3 = 3;
    private static final long PRODUCER = 500L;

    private CoordinatorHarness h;

    @BeforeEach
    void setUp() {
        h = new CoordinatorHarness();
        h.topics.create("in", 2);
    }

    private List<Errors> txnCommit(String group, String memberId, int generation, long offset) {
        TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t =
                new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName("in");
        t.partitions()
                .add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                        .setPartitionIndex(0)
                        .setCommittedOffset(offset)
                        .setCommittedLeaderEpoch(-1)
                        .setCommittedMetadata(""));
        TxnOffsetCommitRequestData request = new TxnOffsetCommitRequestData()
                .setTransactionalId("tx")
                .setGroupId(group)
                .setProducerId(PRODUCER)
                .setProducerEpoch((short) 0)
                .setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation)
                .setTopics(new ArrayList<>(List.of(t)));
        TxnOffsetCommitResponseData response = h.await(h.coordinator.commitTransactionalOffsets(
                new ClientInfo("producer", "/127.0.0.1", V3), request, VerificationGuard.DISABLED));
        List<Errors> out = new ArrayList<>();
        response.topics().forEach(rt -> rt.partitions().forEach(p -> out.add(Errors.forCode(p.errorCode()))));
        return out;
    }

    private OffsetFetchResponsePartitions fetch(String group, boolean requireStable) {
        OffsetFetchRequestGroup g = new OffsetFetchRequestGroup()
                .setGroupId(group)
                .setMemberEpoch(-1)
                .setTopics(new ArrayList<>(
                        List.of(new OffsetFetchRequestTopics().setName("in").setPartitionIndexes(List.of(0)))));
        return h.await(h.coordinator.fetchOffsets(List.of(g), false, requireStable))
                .get(0)
                .topics()
                .get(0)
                .partitions()
                .get(0);
    }

    private void marker(String group, boolean commit) {
        int partition = h.coordinator.partitionFor(group);
        h.log.marker(partition, PRODUCER, commit);
        h.coordinator.onTransactionCompleted(partition, PRODUCER, commit);
        h.executor.runAll();
    }

    @Test
    void transactionalOffsetsArePendingUntilTheCommitMarker() {
        h.commit("g", "", -1, (short) 8, "in", Map.of(0, 10L), null);

        assertThat(txnCommit("g", "", -1, 20L)).containsOnly(Errors.NONE);

        assertThat(fetch("g", false).committedOffset())
                .as("the open transaction's offset is not committed")
                .isEqualTo(10L);
        assertThat(Errors.forCode(fetch("g", true).errorCode())).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT);
        marker("g", true);
        assertThat(fetch("g", true).committedOffset()).isEqualTo(20L);
        assertThat(Errors.forCode(fetch("g", true).errorCode())).isEqualTo(Errors.NONE);
    }

    @Test
    void anAbortMarkerDropsTheTransactionsOffsets() {
        h.commit("g", "", -1, (short) 8, "in", Map.of(0, 10L), null);
        txnCommit("g", "", -1, 20L);

        marker("g", false);

        assertThat(fetch("g", true).committedOffset()).isEqualTo(10L);
        assertThat(Errors.forCode(fetch("g", true).errorCode())).isEqualTo(Errors.NONE);
    }

    @Test
    void pendingOffsetsAndTheirOutcomeSurviveARestart() {
        txnCommit("g", "", -1, 20L);
        h.restart();
        assertThat(Errors.forCode(fetch("g", true).errorCode()))
                .as("still pending after the restart")
                .isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT);

        h.log.marker(h.coordinator.partitionFor("g"), PRODUCER, true);
        h.restart();

        assertThat(fetch("g", true).committedOffset()).isEqualTo(20L);
    }

    @Test
    void aZombieWithAnOldGenerationOrUnknownMemberIsFenced() {
        JoinGroupResponseData joined = h.await(h.joinNew("g", 30_000, 30_000));
        String member = joined.memberId();
        int generation = joined.generationId();
        h.await(h.sync("g", member, generation, Map.of(member, new byte[0])));

        assertThat(txnCommit("g", member, generation - 1, 5L)).containsOnly(Errors.ILLEGAL_GENERATION);
        assertThat(txnCommit("g", "ghost", generation, 5L)).containsOnly(Errors.UNKNOWN_MEMBER_ID);
        assertThat(txnCommit("g", member, generation, 5L)).containsOnly(Errors.NONE);
        assertThat(txnCommit("g", "", -1, 6L))
                .as("old clients send no group metadata")
                .containsOnly(Errors.NONE);
    }

    @Test
    void aFailedWriteLeavesNothingPending() {
        h.log.failNextAppend(Errors.INVALID_PRODUCER_EPOCH);

        assertThat(txnCommit("g", "", -1, 20L)).containsOnly(Errors.INVALID_PRODUCER_EPOCH);

        assertThat(Errors.forCode(fetch("g", true).errorCode())).isEqualTo(Errors.NONE);
    }
}
