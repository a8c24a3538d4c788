package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.millrace.broker.replication.TopicState;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CreateTopicsHandlerTest {

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private CreateTopicsHandler handler;

    @BeforeEach
    void existingTopic() throws Exception {
        fixture.createTopic("existing", 1, Map.of());
        handler = new CreateTopicsHandler(fixture.topics, fixture.brokerConfig, AdminHandlerFixture.INLINE);
    }

    private static CreatableTopic topic(String name, int partitions) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor((short) -1);
    }

    private CreateTopicsResponseData create(boolean validateOnly, CreatableTopic... topics) {
        CreateTopicsRequestData data =
                new CreateTopicsRequestData().setTimeoutMs(1000).setValidateOnly(validateOnly);
        data.topics().addAll(List.of(topics));
        return fixture.call(
                handler, new CreateTopicsRequest.Builder(data).build((short) 7), CreateTopicsResponseData.class);
    }

    @Test
    void aBatchCreatesItsValidTopicsAndAnswersEveryTopicOnItsOwn() {
        CreatableTopic assigned =
                new CreatableTopic().setName("assigned").setNumPartitions(-1).setReplicationFactor((short) -1);
        assigned.assignments()
                .add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(0)));
        assigned.assignments()
                .add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(0)));
        CreatableTopic elsewhere = topic("elsewhere", -1);
        elsewhere
                .assignments()
                .add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(7)));
        CreatableTopic nullConfig = topic("null-config", 1);
        nullConfig
                .configs()
                .add(new CreatableTopicConfig().setName("retention.ms").setValue(null));
        CreatableTopic compacted = topic("compacted", 1);
        compacted
                .configs()
                .add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));

        CreateTopicsResponseData response = create(
                false,
                topic("orders", 3),
                topic("twice", 1),
                topic("existing", 1),
                assigned,
                topic("bad/name", 1),
                elsewhere,
                topic("twice", 2),
                nullConfig,
                topic("a.b", 1),
                topic("a_b", 1),
                compacted,
                topic("empty", 0));

        assertThat(response.topics())
                .extracting(CreatableTopicResult::name, CreatableTopicResult::errorCode)
                .containsExactly(
                        tuple("orders", Errors.NONE.code()),
                        tuple("twice", Errors.INVALID_REQUEST.code()),
                        tuple("existing", Errors.TOPIC_ALREADY_EXISTS.code()),
                        tuple("assigned", Errors.NONE.code()),
                        tuple("bad/name", Errors.INVALID_TOPIC_EXCEPTION.code()),
                        tuple("elsewhere", Errors.INVALID_REPLICA_ASSIGNMENT.code()),
                        tuple("twice", Errors.INVALID_REQUEST.code()),
                        tuple("null-config", Errors.INVALID_CONFIG.code()),
                        tuple("a.b", Errors.NONE.code()),
                        tuple("a_b", Errors.INVALID_TOPIC_EXCEPTION.code()),
                        tuple("compacted", Errors.NONE.code()),
                        tuple("empty", Errors.INVALID_PARTITIONS.code()));
        assertThat(response.topics())
                .filteredOn(r -> r.errorCode() != Errors.NONE.code())
                .allSatisfy(r -> assertThat(r.errorMessage()).isNotBlank());
        assertThat(fixture.topics.topics())
                .extracting(TopicState::name)
                .containsExactly("a.b", "assigned", "compacted", "existing", "orders");

        CreatableTopicResult orders = response.topics().find("orders");
        TopicState created = fixture.topics.topic("orders").orElseThrow();
        assertThat(orders.topicId()).isEqualTo(created.metadata().topicId());
        assertThat(orders.numPartitions()).isEqualTo(3);
        assertThat(orders.replicationFactor()).isEqualTo((short) 1);
        assertThat(response.topics().find("assigned").numPartitions()).isEqualTo(2);
        assertThat(response.topics().find("compacted").configs())
                .filteredOn(c -> c.name().equals("cleanup.policy"))
                .extracting(CreateTopicsResponseData.CreatableTopicConfigs::value)
                .containsExactly("compact");
    }

    @Test
    void validateOnlyAnswersAsACreationWouldButCreatesNothing() {
        CreateTopicsResponseData response = create(true, topic("orders", 3), topic("existing", 1));

        assertThat(response.topics())
                .extracting(CreatableTopicResult::name, CreatableTopicResult::errorCode)
                .containsExactly(
                        tuple("orders", Errors.NONE.code()), tuple("existing", Errors.TOPIC_ALREADY_EXISTS.code()));
        assertThat(response.topics().find("orders").numPartitions()).isEqualTo(3);
        assertThat(fixture.topics.topic("orders")).isEmpty();
    }
}
