package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.AppendResult;
import io.millrace.broker.log.FaultInjectingChannels;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ClusterInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DescribeTopicPartitionsHandlerTest {

    private static final int NODE = 0;

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private final DescribeTopicPartitionsHandler handler = handler(fixture);

    private static DescribeTopicPartitionsHandler handler(AdminHandlerFixture fixture) {
        return new DescribeTopicPartitionsHandler(fixture.topics, new ClusterInfo(NODE, "cluster-abc", null, Map.of()));
    }

    private DescribeTopicPartitionsResponseData describe(
            int limit, String cursorTopic, int cursorPartition, String... names) {
        return fixture.call(
                handler,
                request(limit, cursorTopic, cursorPartition, names),
                DescribeTopicPartitionsResponseData.class);
    }

    private static DescribeTopicPartitionsRequest request(
            int limit, String cursorTopic, int cursorPartition, String... names) {
        DescribeTopicPartitionsRequestData data =
                new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(limit);
        for (String name : names) {
            data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(name));
        }
        if (cursorTopic != null) {
            data.setCursor(new DescribeTopicPartitionsRequestData.Cursor()
                    .setTopicName(cursorTopic)
                    .setPartitionIndex(cursorPartition));
        }
        return new DescribeTopicPartitionsRequest.Builder(data).build((short) 0);
    }

    private static List<String> listing(DescribeTopicPartitionsResponseData response) {
        List<String> result = new ArrayList<>();
        for (DescribeTopicPartitionsResponseTopic t : response.topics()) {
            for (DescribeTopicPartitionsResponsePartition p : t.partitions()) {
                result.add(t.name() + "-" + p.partitionIndex());
            }
        }
        return result;
    }

    @Test
    void missingAndIllegalNamedTopicsAreReportedSortedByName() {
        DescribeTopicPartitionsResponseData response = describe(2000, null, 0, "zeta", "bad/name", "alpha");

        assertThat(response.topics())
                .extracting(
                        DescribeTopicPartitionsResponseTopic::name,
                        DescribeTopicPartitionsResponseTopic::errorCode,
                        DescribeTopicPartitionsResponseTopic::topicId)
                .containsExactly(
                        tuple("alpha", Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Uuid.ZERO_UUID),
                        tuple("bad/name", Errors.INVALID_TOPIC_EXCEPTION.code(), Uuid.ZERO_UUID),
                        tuple("zeta", Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Uuid.ZERO_UUID));
        assertThat(response.nextCursor()).isNull();
    }

    @Test
    void aCursorOutsideTheNamedTopicsIsInvalidRequest() {
        DescribeTopicPartitionsResponseData response = describe(2000, "other", 0, "alpha", "beta");

        assertThat(response.topics())
                .extracting(DescribeTopicPartitionsResponseTopic::name, DescribeTopicPartitionsResponseTopic::errorCode)
                .containsExactly(
                        tuple("alpha", Errors.INVALID_REQUEST.code()), tuple("beta", Errors.INVALID_REQUEST.code()));
    }

    @Test
    void noNamedTopicsMeansAllTopicsSortedByName() throws Exception {
        fixture.createTopic("beta", 1, Map.of());
        fixture.createTopic("alpha", 2, Map.of());

        DescribeTopicPartitionsResponseData response = describe(2000, null, 0);

        assertThat(response.topics())
                .extracting(DescribeTopicPartitionsResponseTopic::name)
                .containsExactly("alpha", "beta");
        assertThat(listing(response)).containsExactly("alpha-0", "alpha-1", "beta-0");
        assertThat(response.nextCursor()).isNull();
    }

    @Test
    void everyPartitionIsLedByThisNodeAsOnlyReplica() throws Exception {
        TopicState state = fixture.createTopic("orders", 2, Map.of());

        DescribeTopicPartitionsResponseTopic topic =
                describe(2000, null, 0, "orders").topics().iterator().next();

        assertThat(topic.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(topic.topicId()).isEqualTo(state.metadata().topicId());
        assertThat(topic.isInternal()).isFalse();
        assertThat(topic.topicAuthorizedOperations()).isEqualTo(Ops.TOPIC);
        assertThat(topic.partitions()).hasSize(2).allSatisfy(p -> {
            assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(p.leaderId()).isEqualTo(NODE);
            assertThat(p.leaderEpoch()).isEqualTo(TopicManager.LEADER_EPOCH);
            assertThat(p.replicaNodes()).containsExactly(NODE);
            assertThat(p.isrNodes()).containsExactly(NODE);
            assertThat(p.offlineReplicas()).isEmpty();
            assertThat(p.eligibleLeaderReplicas()).isEmpty();
            assertThat(p.lastKnownElr()).isEmpty();
        });
    }

    @Test
    void internalTopicsAreMarkedInternal() throws Exception {
        fixture.createTopic("__consumer_offsets", 1, Map.of());

        DescribeTopicPartitionsResponseTopic topic = describe(2000, null, 0, "__consumer_offsets")
                .topics()
                .iterator()
                .next();

        assertThat(topic.isInternal()).isTrue();
    }

    @Test
    void theLimitCutsTheListingAndTheCursorResumesIt() throws Exception {
        fixture.createTopic("alpha", 3, Map.of());
        fixture.createTopic("beta", 2, Map.of());

        DescribeTopicPartitionsResponseData first = describe(2, null, 0);
        assertThat(listing(first)).containsExactly("alpha-0", "alpha-1");
        assertThat(first.nextCursor().topicName()).isEqualTo("alpha");
        assertThat(first.nextCursor().partitionIndex()).isEqualTo(2);

        DescribeTopicPartitionsResponseData second = describe(2, "alpha", 2);
        assertThat(listing(second)).containsExactly("alpha-2", "beta-0");
        assertThat(second.nextCursor().topicName()).isEqualTo("beta");
        assertThat(second.nextCursor().partitionIndex()).isEqualTo(1);

        DescribeTopicPartitionsResponseData third = describe(2, "beta", 1);
        assertThat(listing(third)).containsExactly("beta-1");
        assertThat(third.nextCursor()).isNull();
    }

    @Test
    void listingAllTopicsResumesAfterACursorTopicDeletedMeanwhile() throws Exception {
        fixture.createTopic("alpha", 1, Map.of());
        fixture.createTopic("beta", 2, Map.of());
        fixture.createTopic("gamma", 1, Map.of());
        DescribeTopicPartitionsResponseData first = describe(2, null, 0);
        assertThat(first.nextCursor().topicName()).isEqualTo("beta");

        fixture.topics.delete("beta");
        DescribeTopicPartitionsResponseData second = describe(2, "beta", 1);

        assertThat(listing(second)).containsExactly("gamma-0");
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void anExactFitPointsTheCursorAtTheNextTopic() throws Exception {
        fixture.createTopic("alpha", 2, Map.of());
        fixture.createTopic("beta", 1, Map.of());

        DescribeTopicPartitionsResponseData response = describe(2, null, 0, "alpha", "beta");

        assertThat(listing(response)).containsExactly("alpha-0", "alpha-1");
        assertThat(response.topics())
                .extracting(DescribeTopicPartitionsResponseTopic::name)
                .containsExactly("alpha");
        assertThat(response.nextCursor().topicName()).isEqualTo("beta");
        assertThat(response.nextCursor().partitionIndex()).isEqualTo(0);
    }

    @Test
    void missingTopicsUseNoneOfTheLimit() throws Exception {
        fixture.createTopic("beta", 1, Map.of());

        DescribeTopicPartitionsResponseData response = describe(1, null, 0, "alpha", "beta");

        assertThat(response.topics())
                .extracting(DescribeTopicPartitionsResponseTopic::name, DescribeTopicPartitionsResponseTopic::errorCode)
                .containsExactly(
                        tuple("alpha", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()), tuple("beta", Errors.NONE.code()));
        assertThat(response.nextCursor()).isNull();
    }

    @Test
    void aPartitionWhoseStorageFailedHasNoLeaderAndReportsStorageError() throws Exception {
        FaultInjectingChannels channels = new FaultInjectingChannels();
        DescribeTopicPartitionsResponseTopic topic;
        try (AdminHandlerFixture faulty = new AdminHandlerFixture(Map.of(), channels)) {
            TopicState state = faulty.createTopic("orders", 2, Map.of());
            channels.failWrites(true);
            AppendResult append = state.partition(1)
                    .append(
                            MemoryRecords.withRecords(
                                            Compression.NONE, new SimpleRecord("v".getBytes(StandardCharsets.UTF_8)))
                                    .buffer(),
                            AppendOrigin.CLIENT);
            channels.failWrites(false);
            assertThat(append.error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);

            topic = faulty.call(
                            handler(faulty),
                            request(2000, null, 0, "orders"),
                            DescribeTopicPartitionsResponseData.class)
                    .topics()
                    .iterator()
                    .next();
        }

        assertThat(topic.errorCode()).isEqualTo(Errors.NONE.code());
        DescribeTopicPartitionsResponsePartition healthy = topic.partitions().get(0);
        assertThat(healthy.leaderId()).isEqualTo(NODE);
        DescribeTopicPartitionsResponsePartition offline = topic.partitions().get(1);
        assertThat(offline.errorCode()).isEqualTo(Errors.KAFKA_STORAGE_ERROR.code());
        assertThat(offline.leaderId()).isEqualTo(-1);
        assertThat(offline.replicaNodes()).containsExactly(NODE);
        assertThat(offline.isrNodes()).isEmpty();
        assertThat(offline.offlineReplicas()).containsExactly(NODE);
    }
}
