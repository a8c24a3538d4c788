package io.millrace.broker.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.coordinator.ManualCoordinatorExecutor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A group coordinator on a manual clock, a manual executor, an in-memory {@code __consumer_offsets}
 * and fake topics, with helpers that build the requests real clients send.
 */
final class CoordinatorHarness {

    static final short JOIN_VERSION = 9;

    final ManualClock clock = new ManualClock();
    ManualCoordinatorExecutor executor = new ManualCoordinatorExecutor(clock);
    final FakeTopics topics = new FakeTopics();
    final GroupCoordinatorConfig config;
    InMemoryOffsetsLog log;
    GroupCoordinator coordinator;

    CoordinatorHarness(Map<String, String> brokerSettings) {
        Map<String, String> settings = new HashMap<>();
        settings.put(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "4");
        settings.put(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0");
        settings.putAll(brokerSettings);
        config = GroupCoordinatorConfig.from(BrokerConfig.parse(settings));
        log = new InMemoryOffsetsLog(config.offsetsTopicPartitions(), executor);
        start();
    }

    CoordinatorHarness() {
        this(Map.of());
    }

    private void start() {
        coordinator = new GroupCoordinator(config, clock, executor, log, topics);
        coordinator.startup(Runnable::run);
        executor.runAll();
    }

    /** A new coordinator (fresh thread and timers) on what the log holds now, as after kill -9. */
    void restart() {
        executor = new ManualCoordinatorExecutor(clock);
        log = log.copyFor(executor);
        start();
    }

    /** Runs the coordinator until idle and returns the (completed) result. */
    <T> T await(CompletableFuture<T> future) {
        executor.runAll();
        assertThat(future).as("the request was answered").isDone();
        return future.join();
    }

    void advance(long ms) {
        executor.advance(ms);
    }

    // ---- classic protocol

    static byte[] subscription(String... topics) {
        ByteBuffer b =
                ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(topics)));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static JoinGroupRequestData joinRequest(
            String group, String memberId, String instanceId, int sessionMs, int rebalanceMs, String... protocolNames) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        for (String name : protocolNames) {
            protocols.add(new JoinGroupRequestProtocol().setName(name).setMetadata(subscription("t")));
        }
        return new JoinGroupRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(sessionMs)
                .setRebalanceTimeoutMs(rebalanceMs)
                .setProtocolType("consumer")
                .setProtocols(protocols);
    }

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request, short version) {
        return coordinator.joinGroup(new ClientInfo("client", "/127.0.0.1", version), request);
    }

    /** Joins as a new dynamic member (MEMBER_ID_REQUIRED round trip included); returns the parked join. */
    CompletableFuture<JoinGroupResponseData> joinNew(String group, int sessionMs, int rebalanceMs) {
        JoinGroupResponseData first =
                await(join(joinRequest(group, "", null, sessionMs, rebalanceMs, "range"), JOIN_VERSION));
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        CompletableFuture<JoinGroupResponseData> second =
                join(joinRequest(group, first.memberId(), null, sessionMs, rebalanceMs, "range"), JOIN_VERSION);
        executor.runAll();
        return second;
    }

    CompletableFuture<SyncGroupResponseData> sync(
            String group, String memberId, int generation, Map<String, byte[]> assignments) {
        SyncGroupRequestData request = new SyncGroupRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setGenerationId(generation)
                .setProtocolType("consumer")
                .setProtocolName("range");
        assignments.forEach((m, a) -> request.assignments()
                .add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                        .setMemberId(m)
                        .setAssignment(a)));
        return coordinator.syncGroup(request);
    }

    Errors heartbeat(String group, String memberId, String instanceId, int generation) {
        return Errors.forCode(await(coordinator.heartbeat(new HeartbeatRequestData()
                        .setGroupId(group)
                        .setMemberId(memberId)
                        .setGroupInstanceId(instanceId)
                        .setGenerationId(generation)))
                .errorCode());
    }

    // ---- offsets

    OffsetCommitResponseData commit(
            String group,
            String memberId,
            int generation,
            short version,
            String topic,
            Map<Integer, Long> offsets,
            String metadata) {
        OffsetCommitRequestData.OffsetCommitRequestTopic t =
                new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic);
        if (version >= 10) {
            t.setTopicId(topics.id(topic));
        }
        offsets.forEach((p, o) -> t.partitions()
                .add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                        .setPartitionIndex(p)
                        .setCommittedOffset(o)
                        .setCommittedMetadata(metadata)
                        .setCommittedLeaderEpoch(3)));
        OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation)
                .setTopics(new ArrayList<>(List.of(t)));
        return await(coordinator.commitOffsets(new ClientInfo("client", "/127.0.0.1", version), request));
    }

    static List<Errors> commitErrors(OffsetCommitResponseData response) {
        List<Errors> out = new ArrayList<>();
        response.topics().forEach(t -> t.partitions().forEach(p -> out.add(Errors.forCode(p.errorCode()))));
        return out;
    }

    OffsetFetchResponseGroup fetch(String group, String topic, Integer... partitions) {
        OffsetFetchRequestGroup g =
                new OffsetFetchRequestGroup().setGroupId(group).setMemberEpoch(-1);
        if (topic != null) {
            g.setTopics(new ArrayList<>(
                    List.of(new OffsetFetchRequestTopics().setName(topic).setPartitionIndexes(List.of(partitions)))));
        } else {
            g.setTopics(null);
        }
        return await(coordinator.fetchOffsets(List.of(g), false)).get(0);
    }

    /** Committed offset of one partition, -1 when none. */
    long committed(String group, String topic, int partition) {
        return fetch(group, topic, partition)
                .topics()
                .get(0)
                .partitions()
                .get(0)
                .committedOffset();
    }
}
