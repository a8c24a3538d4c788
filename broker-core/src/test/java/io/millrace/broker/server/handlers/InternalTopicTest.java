package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code __consumer_offsets} belongs to the broker: clients see it as internal and cannot write, delete or grow it. */
class InternalTopicTest {

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    @BeforeEach
    void setUp() throws Exception {
        fixture.createTopic("orders", 1, Map.of());
        fixture.topics.createInternalTopic("__consumer_offsets", 3, Map.of("cleanup.policy", "compact"));
    }

    @Test
    void clientsCannotProduceToIt() {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
        ProduceRequestData.TopicProduceData td =
                new ProduceRequestData.TopicProduceData().setName("__consumer_offsets");
        td.partitionData()
                .add(new ProduceRequestData.PartitionProduceData()
                        .setIndex(0)
                        .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("x".getBytes()))));
        data.topicData().add(td);

        ProduceResponseData r = fixture.call(
                new ProduceHandler(fixture.topics, TxnVerifier.DISABLED),
                new ProduceRequest.Builder((short) 11, (short) 11, data).build((short) 11),
                ProduceResponseData.class);

        ProduceResponseData.PartitionProduceResponse p =
                r.responses().iterator().next().partitionResponses().get(0);
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(p.errorMessage()).contains("internal topic");
    }

    @Test
    void clientsCannotDeleteItOrChangeItsPartitionCount() {
        DeleteTopicsResponseData deleted = fixture.call(
                new DeleteTopicsHandler(fixture.topics, AdminHandlerFixture.INLINE),
                new DeleteTopicsRequest.Builder(
                                new DeleteTopicsRequestData().setTopicNames(List.of("__consumer_offsets")))
                        .build((short) 5),
                DeleteTopicsResponseData.class);
        CreatePartitionsResponseData grown = fixture.call(
                new CreatePartitionsHandler(fixture.topics, 0, AdminHandlerFixture.INLINE),
                new CreatePartitionsRequest.Builder(new CreatePartitionsRequestData()
                                .setTopics(new CreatePartitionsRequestData.CreatePartitionsTopicCollection(
                                        List.of(new CreatePartitionsRequestData.CreatePartitionsTopic()
                                                        .setName("__consumer_offsets")
                                                        .setCount(5)
                                                        .setAssignments(null))
                                                .iterator())))
                        .build((short) 3),
                CreatePartitionsResponseData.class);

        assertThat(deleted.responses().find("__consumer_offsets").errorCode())
                .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        assertThat(grown.results().get(0).errorCode()).isEqualTo(Errors.INVALID_PARTITIONS.code());
        assertThat(fixture.topics.topic("__consumer_offsets"))
                .get()
                .satisfies(t -> assertThat(t.metadata().partitionCount()).isEqualTo(3));
    }

    @Test
    void metadataReportsItAsInternal() {
        MetadataResponseData r = fixture.call(
                new MetadataHandler(fixture.topics, AdminHandlerFixture.CLUSTER, false, AdminHandlerFixture.INLINE),
                new MetadataRequest.Builder(new MetadataRequestData().setTopics(null)).build((short) 12),
                MetadataResponseData.class);

        assertThat(r.topics().find("__consumer_offsets").isInternal()).isTrue();
        assertThat(r.topics().find("orders").isInternal()).isFalse();
    }
}
