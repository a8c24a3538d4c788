package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.coordinator.txn.ProducerIdManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ApiHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every core handler, at every version it advertises, answers a realistic request with a
 * response that our encoder writes and Kafka's own parser reads back. Catches fields set at
 * versions that cannot carry them, and checks the zero-copy fetch path byte for byte.
 */
class CoreHandlersEveryVersionTest {

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private TopicState topic;

    @BeforeEach
    void setUp() throws Exception {
        topic = fixture.createTopic("orders", 2, Map.of());
    }

    @Test
    void produceAtEveryVersionAppendsAndAnswers() {
        ProduceHandler handler = new ProduceHandler(fixture.topics, TxnVerifier.DISABLED);
        for (short v = handler.minVersion(); v <= handler.maxVersion(); v++) {
            ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData();
            if (v >= 13) {
                td.setTopicId(topic.metadata().topicId());
            } else {
                td.setName("orders");
            }
            td.partitionData()
                    .add(new ProduceRequestData.PartitionProduceData()
                            .setIndex(0)
                            .setRecords(MemoryRecords.withRecords(
                                    Compression.NONE, new SimpleRecord(("v" + v).getBytes()))));
            ProduceRequestData data =
                    new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
            data.topicData().add(td);
            AbstractResponse response = roundTrip(handler, ApiKeys.PRODUCE, data, v);
            assertThat(response.errorCounts()).as("v%d", v).containsOnlyKeys(Errors.NONE);
        }
    }

    @Test
    void produceWithAcksAllAnswersOnceEveryPartitionOfTheRequestIsDurable() {
        ProduceHandler handler = new ProduceHandler(fixture.topics, TxnVerifier.DISABLED);
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName("orders");
        for (int p = 0; p < 2; p++) {
            td.partitionData()
                    .add(new ProduceRequestData.PartitionProduceData()
                            .setIndex(p)
                            .setRecords(MemoryRecords.withRecords(
                                    Compression.NONE, new SimpleRecord(("p" + p).getBytes()))));
        }
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(60_000);
        data.topicData().add(td);

        AbstractResponse response = WireRoundTrip.call(fixture, handler, ApiKeys.PRODUCE, data, (short) 9);

        assertThat(response.errorCounts()).containsOnlyKeys(Errors.NONE);
        assertThat(topic.partition(0).highWatermark())
                .as("partition 0 durable when answered")
                .isEqualTo(1);
        assertThat(topic.partition(1).highWatermark())
                .as("partition 1 durable when answered")
                .isEqualTo(1);
    }

    @Test
    void fetchAtEveryVersionReturnsTheStoredBatchesByteForByte() {
        produce(3);
        FetchHandler handler = new FetchHandler(fixture.topics);
        for (short v = handler.minVersion(); v <= handler.maxVersion(); v++) {
            FetchRequestData.FetchTopic ft = new FetchRequestData.FetchTopic();
            if (v >= 13) {
                ft.setTopicId(topic.metadata().topicId());
            } else {
                ft.setTopic("orders");
            }
            ft.partitions()
                    .add(new FetchRequestData.FetchPartition()
                            .setPartition(0)
                            .setFetchOffset(0)
                            .setPartitionMaxBytes(1 << 20));
            FetchRequestData data = new FetchRequestData()
                    .setMaxWaitMs(0)
                    .setMinBytes(1)
                    .setMaxBytes(1 << 20)
                    .setSessionId(0)
                    .setSessionEpoch(-1);
            data.topics().add(ft);
            FetchResponse response = (FetchResponse) roundTrip(handler, ApiKeys.FETCH, data, v);
            FetchResponseDataView view = new FetchResponseDataView(response);
            assertThat(view.error()).as("v%d", v).isEqualTo(Errors.NONE);
            assertThat(view.values()).as("v%d", v).containsExactly("r0", "r1", "r2");
            assertThat(view.highWatermark()).isEqualTo(3);
        }
    }

    @Test
    void listOffsetsAtEveryVersion() {
        produce(2);
        ListOffsetsHandler handler = new ListOffsetsHandler(fixture.topics);
        for (short v = handler.minVersion(); v <= handler.maxVersion(); v++) {
            ListOffsetsRequestData.ListOffsetsTopic t = new ListOffsetsRequestData.ListOffsetsTopic().setName("orders");
            long[] timestamps = v >= 7 ? new long[] {-1, -2, -3, 0} : new long[] {-1, -2, 0};
            for (long ts : timestamps) {
                t.partitions()
                        .add(new ListOffsetsRequestData.ListOffsetsPartition()
                                .setPartitionIndex(0)
                                .setTimestamp(ts));
            }
            ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(-1);
            data.topics().add(t);
            AbstractResponse response = roundTrip(handler, ApiKeys.LIST_OFFSETS, data, v);
            assertThat(response.errorCounts()).as("v%d", v).containsOnlyKeys(Errors.NONE);
        }
    }

    @Test
    void metadataAtEveryVersion() {
        MetadataHandler handler =
                new MetadataHandler(fixture.topics, AdminHandlerFixture.CLUSTER, false, AdminHandlerFixture.INLINE);
        for (short v = handler.minVersion(); v <= handler.maxVersion(); v++) {
            MetadataRequestData data = new MetadataRequestData();
            data.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("orders"));
            data.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("missing"));
            if (v >= 4) {
                data.setAllowAutoTopicCreation(false);
            }
            AbstractResponse response = roundTrip(handler, ApiKeys.METADATA, data, v);
            assertThat(response.errorCounts())
                    .as("v%d", v)
                    .containsOnlyKeys(Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }

    @Test
    void initProducerIdAtEveryVersion(@TempDir Path dir) throws Exception {
        // Without a transactional id the transaction coordinator is not involved.
        InitProducerIdHandler handler = new InitProducerIdHandler(
                new ProducerIdManager(dir.resolve("producer-ids")), null, AdminHandlerFixture.INLINE);
        for (short v = handler.minVersion(); v <= handler.maxVersion(); v++) {
            AbstractResponse response = roundTrip(
                    handler,
                    ApiKeys.INIT_PRODUCER_ID,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60000),
                    v);
            assertThat(response.errorCounts()).as("v%d", v).containsOnlyKeys(Errors.NONE);
        }
    }

    @Test
    void topicAdministrationAtEveryVersion() {
        CreateTopicsHandler create =
                new CreateTopicsHandler(fixture.topics, fixture.brokerConfig, AdminHandlerFixture.INLINE);
        CreatePartitionsHandler grow = new CreatePartitionsHandler(fixture.topics, 0, AdminHandlerFixture.INLINE);
        DeleteRecordsHandler deleteRecords = new DeleteRecordsHandler(fixture.topics, AdminHandlerFixture.INLINE);
        DeleteTopicsHandler delete = new DeleteTopicsHandler(fixture.topics, AdminHandlerFixture.INLINE);
        for (short v = create.minVersion(); v <= create.maxVersion(); v++) {
            CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(1000);
            data.topics()
                    .add(new CreateTopicsRequestData.CreatableTopic()
                            .setName("t" + v)
                            .setNumPartitions(1)
                            .setReplicationFactor((short) 1));
            assertThat(roundTrip(create, ApiKeys.CREATE_TOPICS, data, v).errorCounts())
                    .as("create v%d", v)
                    .containsOnlyKeys(Errors.NONE);
        }
        for (short v = grow.minVersion(); v <= grow.maxVersion(); v++) {
            CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(1000);
            data.topics()
                    .add(new CreatePartitionsRequestData.CreatePartitionsTopic()
                            .setName("t2")
                            .setCount(2 + v)
                            .setAssignments(null));
            assertThat(roundTrip(grow, ApiKeys.CREATE_PARTITIONS, data, v).errorCounts())
                    .as("grow v%d", v)
                    .containsOnlyKeys(Errors.NONE);
        }
        produce(4);
        for (short v = deleteRecords.minVersion(); v <= deleteRecords.maxVersion(); v++) {
            DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(1000);
            DeleteRecordsRequestData.DeleteRecordsTopic t =
                    new DeleteRecordsRequestData.DeleteRecordsTopic().setName("orders");
            t.partitions()
                    .add(new DeleteRecordsRequestData.DeleteRecordsPartition()
                            .setPartitionIndex(0)
                            .setOffset(v + 1));
            data.topics().add(t);
            assertThat(roundTrip(deleteRecords, ApiKeys.DELETE_RECORDS, data, v).errorCounts())
                    .as("delete records v%d", v)
                    .containsOnlyKeys(Errors.NONE);
        }
        assertThat(topic.partition(0).logStartOffset()).isEqualTo(3);
        for (short v = delete.minVersion(); v <= delete.maxVersion(); v++) {
            DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(1000);
            String name = "t" + (v + 1);
            if (v >= 6) {
                data.topics()
                        .add(new DeleteTopicsRequestData.DeleteTopicState()
                                .setName(null)
                                .setTopicId(fixture.topics
                                        .topic(name)
                                        .orElseThrow()
                                        .metadata()
                                        .topicId()));
            } else {
                data.topicNames().add(name);
            }
            assertThat(roundTrip(delete, ApiKeys.DELETE_TOPICS, data, v).errorCounts())
                    .as("delete v%d", v)
                    .containsOnlyKeys(Errors.NONE);
            assertThat(fixture.topics.topic(name)).isEmpty();
        }
    }

    private void produce(int count) {
        for (int i = 0; i < count; i++) {
            MemoryRecords records = MemoryRecords.withRecords(
                    Compression.NONE, new SimpleRecord(("r" + i).getBytes(StandardCharsets.UTF_8)));
            assertThat(topic.partition(0)
                            .append(records.buffer(), io.millrace.broker.log.AppendOrigin.CLIENT)
                            .error())
                    .isEqualTo(Errors.NONE);
        }
        long end = topic.partition(0).logEndOffset();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (topic.partition(0).highWatermark() < end && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(topic.partition(0).highWatermark()).isEqualTo(end);
    }

    /** The handler's answer to {@code data} sent at {@code version}, as a client reads it ({@link WireRoundTrip}). */
    private AbstractResponse roundTrip(ApiHandler<?> handler, ApiKeys key, ApiMessage data, short version) {
        return WireRoundTrip.call(fixture, handler, key, data, version);
    }

    /** The single partition of a fetch response. */
    private record FetchResponseDataView(FetchResponse response) {
        Errors error() {
            return Errors.forCode(partition().errorCode());
        }

        long highWatermark() {
            return partition().highWatermark();
        }

        org.apache.kafka.common.message.FetchResponseData.PartitionData partition() {
            return response.data().responses().get(0).partitions().get(0);
        }

        List<String> values() {
            List<String> values = new ArrayList<>();
            MemoryRecords records = (MemoryRecords) partition().records();
            for (Record r : records.records()) {
                values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
            }
            return values;
        }
    }
}
