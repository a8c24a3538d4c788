package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.coordinator.ThreadCoordinatorExecutor;
import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.coordinator.txn.PartitionMarkerWriter;
import io.millrace.broker.coordinator.txn.PartitionTxnStateLog;
import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.coordinator.txn.TxnCoordinatorConfig;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ApiHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ListTransactionsResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every transaction handler, at every version it advertises, through the wire format: a whole
 * transaction (InitProducerId, AddPartitionsToTxn, a verified transactional Produce,
 * AddOffsetsToTxn, TxnOffsetCommit, DescribeTransactions, ListTransactions, DescribeProducers,
 * EndTxn, OffsetFetch with requireStable) per version step, then WriteTxnMarkers and the errors of
 * each API. The coordinators run on their own threads over real internal topics, as in the broker.
 */
class TxnHandlersEveryVersionTest {

    private static final String OFFSETS_TOPIC = "__consumer_offsets";

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture(Map.of(
            "group.initial.rebalance.delay.ms",
            "0",
            "offsets.topic.num.partitions",
            "2",
            "transaction.state.log.num.partitions",
            "2"));

    private GroupCoordinator groups;
    private TransactionCoordinator transactions;
    private PartitionMarkerWriter markers;
    private final AtomicLong producerIds = new AtomicLong();

    @BeforeEach
    void setUp() throws Exception {
        fixture.createTopic("orders", 2, Map.of());
        ManualClock clock = new ManualClock();
        groups = fixture.startGroupCoordinator(2, clock);
        TopicState state = fixture.topics.createInternalTopic(
                TransactionCoordinator.TOPIC, 2, Map.of("cleanup.policy", "compact"));
        ThreadCoordinatorExecutor txnLoop = fixture.coordinatorThread("millrace-txn-coordinator");
        markers = new PartitionMarkerWriter(fixture.topics, txnLoop, clock);
        markers.setListener((tp, producerId, commit) -> {
            if (tp.topic().equals(OFFSETS_TOPIC)) {
                groups.onTransactionCompleted(tp.partition(), producerId, commit);
            }
        });
        transactions = new TransactionCoordinator(
                TxnCoordinatorConfig.from(fixture.broker),
                clock,
                txnLoop,
                new PartitionTxnStateLog(state.partitions(), txnLoop, clock),
                markers,
                producerIds::getAndIncrement);
        transactions.startup(Runnable::run);
    }

    private AbstractResponse call(ApiHandler<?> handler, ApiKeys key, ApiMessage data, int version) {
        return WireRoundTrip.call(fixture, handler, key, data, (short) version);
    }

    /** AddPartitionsToTxn (v3 and below) of partition 0 of each topic. */
    private static AddPartitionsToTxnRequestData addPartitionZero(
            String transactionalId, long producerId, short epoch, String... topics) {
        AddPartitionsToTxnRequestData data = new AddPartitionsToTxnRequestData()
                .setV3AndBelowTransactionalId(transactionalId)
                .setV3AndBelowProducerId(producerId)
                .setV3AndBelowProducerEpoch(epoch);
        for (String topic : topics) {
            data.v3AndBelowTopics()
                    .add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic()
                            .setName(topic)
                            .setPartitions(List.of(0)));
        }
        return data;
    }

    private static short clamp(ApiHandler<?> handler, int step) {
        return (short) Math.max(handler.minVersion(), Math.min(handler.maxVersion(), step));
    }

    @Test
    void aWholeTransactionAtEveryVersion() {
        InitProducerIdHandler init = new InitProducerIdHandler(null, transactions, AdminHandlerFixture.INLINE);
        AddPartitionsToTxnHandler add = new AddPartitionsToTxnHandler(fixture.topics, transactions);
        ProduceHandler produce = new ProduceHandler(fixture.topics, transactions::verifyPartition);
        AddOffsetsToTxnHandler addOffsets = new AddOffsetsToTxnHandler(transactions, groups, OFFSETS_TOPIC);
        TxnOffsetCommitHandler txnCommit =
                new TxnOffsetCommitHandler(groups, fixture.topics, OFFSETS_TOPIC, transactions::verifyPartition);
        DescribeTransactionsHandler describe = new DescribeTransactionsHandler(transactions);
        ListTransactionsHandler list = new ListTransactionsHandler(transactions);
        DescribeProducersHandler producers = new DescribeProducersHandler(fixture.topics);
        EndTxnHandler end = new EndTxnHandler(transactions);
        OffsetFetchHandler fetchOffsets = new OffsetFetchHandler(groups);
        for (int step = 0; step <= 13; step++) {
            String txnId = "tx-" + step;
            String group = "group-" + step;
            InitProducerIdResponse initialized = (InitProducerIdResponse) call(
                    init,
                    ApiKeys.INIT_PRODUCER_ID,
                    new InitProducerIdRequestData().setTransactionalId(txnId).setTransactionTimeoutMs(60_000),
                    clamp(init, step));
            assertThat(initialized.error()).as("init, step %d", step).isEqualTo(Errors.NONE);
            long pid = initialized.data().producerId();
            short epoch = initialized.data().producerEpoch();

            AddPartitionsToTxnRequestData added = addPartitionZero(txnId, pid, epoch, "orders");
            AddPartitionsToTxnResponse addedResponse =
                    (AddPartitionsToTxnResponse) call(add, ApiKeys.ADD_PARTITIONS_TO_TXN, added, clamp(add, step));
            assertThat(addedResponse.errors().values())
                    .as("add partitions, step %d", step)
                    .allSatisfy(errors -> assertThat(errors.values()).containsOnly(Errors.NONE));

            ProduceResponse produced = (ProduceResponse) call(
                    produce,
                    ApiKeys.PRODUCE,
                    transactionalProduce(txnId, pid, epoch, clamp(produce, Math.min(step, 11))),
                    clamp(produce, Math.min(step, 11)));
            assertThat(produced.errorCounts()).as("produce, step %d", step).containsOnlyKeys(Errors.NONE);

            AddOffsetsToTxnResponse offsetsAdded = (AddOffsetsToTxnResponse) call(
                    addOffsets,
                    ApiKeys.ADD_OFFSETS_TO_TXN,
                    new AddOffsetsToTxnRequestData()
                            .setTransactionalId(txnId)
                            .setProducerId(pid)
                            .setProducerEpoch(epoch)
                            .setGroupId(group),
                    clamp(addOffsets, step));
            assertThat(Errors.forCode(offsetsAdded.data().errorCode()))
                    .as("add offsets, step %d", step)
                    .isEqualTo(Errors.NONE);

            TxnOffsetCommitResponse committed = (TxnOffsetCommitResponse) call(
                    txnCommit,
                    ApiKeys.TXN_OFFSET_COMMIT,
                    txnOffsetCommit(txnId, group, pid, epoch, 42L),
                    clamp(txnCommit, step));
            assertThat(committed.errorCounts())
                    .as("txn offset commit, step %d", step)
                    .containsOnlyKeys(Errors.NONE);

            DescribeTransactionsResponse described = (DescribeTransactionsResponse) call(
                    describe,
                    ApiKeys.DESCRIBE_TRANSACTIONS,
                    new DescribeTransactionsRequestData().setTransactionalIds(List.of(txnId)),
                    0);
            var state = described.data().transactionStates().get(0);
            assertThat(state.transactionState()).isEqualTo("Ongoing");
            assertThat(state.topics()).extracting(t -> t.topic()).containsExactlyInAnyOrder("orders", OFFSETS_TOPIC);

            ListTransactionsRequestData listed = new ListTransactionsRequestData()
                    .setStateFilters(List.of("Ongoing"))
                    .setProducerIdFilters(List.of(pid));
            ListTransactionsResponse listing =
                    (ListTransactionsResponse) call(list, ApiKeys.LIST_TRANSACTIONS, listed, clamp(list, step));
            assertThat(listing.data().transactionStates())
                    .extracting(t -> t.transactionalId())
                    .containsExactly(txnId);

            DescribeProducersRequestData producersRequest = new DescribeProducersRequestData();
            producersRequest
                    .topics()
                    .add(new DescribeProducersRequestData.TopicRequest()
                            .setName("orders")
                            .setPartitionIndexes(List.of(0)));
            DescribeProducersResponse tracked =
                    (DescribeProducersResponse) call(producers, ApiKeys.DESCRIBE_PRODUCERS, producersRequest, 0);
            assertThat(tracked.data().topics().get(0).partitions().get(0).activeProducers())
                    .anySatisfy(p -> {
                        assertThat(p.producerId()).isEqualTo(pid);
                        assertThat(p.currentTxnStartOffset()).isNotNegative();
                    });

            OffsetFetchResponse unstable =
                    (OffsetFetchResponse) call(fetchOffsets, ApiKeys.OFFSET_FETCH, offsetFetch(group), 9);
            assertThat(unstable.data()
                            .groups()
                            .get(0)
                            .topics()
                            .get(0)
                            .partitions()
                            .get(0)
                            .errorCode())
                    .isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());

            EndTxnResponse ended = (EndTxnResponse) call(
                    end,
                    ApiKeys.END_TXN,
                    new EndTxnRequestData()
                            .setTransactionalId(txnId)
                            .setProducerId(pid)
                            .setProducerEpoch(epoch)
                            .setCommitted(true),
                    clamp(end, step));
            assertThat(ended.error()).as("end txn, step %d", step).isEqualTo(Errors.NONE);

            OffsetFetchResponse stable =
                    (OffsetFetchResponse) call(fetchOffsets, ApiKeys.OFFSET_FETCH, offsetFetch(group), 9);
            var partition =
                    stable.data().groups().get(0).topics().get(0).partitions().get(0);
            assertThat(partition.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(partition.committedOffset())
                    .as("the commit marker made the offset committed")
                    .isEqualTo(42L);
        }
    }

    @Test
    void writeTxnMarkersAbortsAnOpenTransactionAtEveryVersion() {
        WriteTxnMarkersHandler handler = new WriteTxnMarkersHandler(markers);
        for (short v = handler.minVersion(); v <= handler.maxVersion(); v++) {
            long pid = 900 + v;
            var partition = fixture.topics.topic("orders").orElseThrow().partition(1);
            assertThat(partition
                            .append(
                                    MemoryRecords.withTransactionalRecords(
                                                    Compression.NONE,
                                                    pid,
                                                    (short) 0,
                                                    0,
                                                    new SimpleRecord("x".getBytes(StandardCharsets.UTF_8)))
                                            .buffer(),
                                    io.millrace.broker.log.AppendOrigin.COORDINATOR)
                            .error())
                    .isEqualTo(Errors.NONE);
            WriteTxnMarkersRequestData request = new WriteTxnMarkersRequestData();
            request.markers()
                    .add(new WriteTxnMarkersRequestData.WritableTxnMarker()
                            .setProducerId(pid)
                            .setProducerEpoch((short) 0)
                            .setTransactionResult(false)
                            .setCoordinatorEpoch(0)
                            .setTopics(List.of(
                                    new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                                            .setName("orders")
                                            .setPartitionIndexes(List.of(1)),
                                    new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                                            .setName("nowhere")
                                            .setPartitionIndexes(List.of(0)))));
            WriteTxnMarkersResponse response =
                    (WriteTxnMarkersResponse) call(handler, ApiKeys.WRITE_TXN_MARKERS, request, v);
            var byPartition = response.errorsByProducerId().get(pid);
            assertThat(byPartition)
                    .as("v%d", v)
                    .containsEntry(new org.apache.kafka.common.TopicPartition("orders", 1), Errors.NONE)
                    .containsEntry(
                            new org.apache.kafka.common.TopicPartition("nowhere", 0),
                            Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(partition.activeProducers())
                    .filteredOn(p -> p.producerId() == pid)
                    .allSatisfy(p -> assertThat(p.currentTxnStartOffset()).isEqualTo(-1));
        }
    }

    @Test
    void errorsAsKafkaReportsThem() {
        InitProducerIdHandler init = new InitProducerIdHandler(null, transactions, AdminHandlerFixture.INLINE);
        InitProducerIdResponse tooLong = (InitProducerIdResponse) call(
                init,
                ApiKeys.INIT_PRODUCER_ID,
                new InitProducerIdRequestData().setTransactionalId("t").setTransactionTimeoutMs(Integer.MAX_VALUE),
                4);
        assertThat(tooLong.error()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        InitProducerIdResponse ok = (InitProducerIdResponse) call(
                init,
                ApiKeys.INIT_PRODUCER_ID,
                new InitProducerIdRequestData().setTransactionalId("t").setTransactionTimeoutMs(1000),
                4);
        long pid = ok.data().producerId();
        short epoch = ok.data().producerEpoch();

        AddPartitionsToTxnRequestData added = addPartitionZero("t", pid, epoch, "orders", "missing");
        AddPartitionsToTxnResponse partly = (AddPartitionsToTxnResponse) call(
                new AddPartitionsToTxnHandler(fixture.topics, transactions), ApiKeys.ADD_PARTITIONS_TO_TXN, added, 3);
        assertThat(partly.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID))
                .containsEntry(
                        new org.apache.kafka.common.TopicPartition("missing", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION)
                .containsEntry(new org.apache.kafka.common.TopicPartition("orders", 0), Errors.OPERATION_NOT_ATTEMPTED);

        ProduceHandler produce = new ProduceHandler(fixture.topics, transactions::verifyPartition);
        ProduceResponse old =
                (ProduceResponse) call(produce, ApiKeys.PRODUCE, transactionalProduce("t", pid, epoch, 10), 10);
        assertThat(old.errorCounts()).as("not added, Produce v10").containsOnlyKeys(Errors.INVALID_TXN_STATE);
        ProduceResponse v11 =
                (ProduceResponse) call(produce, ApiKeys.PRODUCE, transactionalProduce("t", pid, epoch, 11), 11);
        assertThat(v11.errorCounts()).as("not added, Produce v11").containsOnlyKeys(Errors.TRANSACTION_ABORTABLE);

        EndTxnResponse fenced = (EndTxnResponse) call(
                new EndTxnHandler(transactions),
                ApiKeys.END_TXN,
                new EndTxnRequestData()
                        .setTransactionalId("t")
                        .setProducerId(pid)
                        .setProducerEpoch((short) (epoch - 1))
                        .setCommitted(true),
                1);
        assertThat(fenced.error()).as("PRODUCER_FENCED before v2").isEqualTo(Errors.INVALID_PRODUCER_EPOCH);

        ListTransactionsResponse badPattern = (ListTransactionsResponse) call(
                new ListTransactionsHandler(transactions),
                ApiKeys.LIST_TRANSACTIONS,
                new ListTransactionsRequestData().setTransactionalIdPattern("(["),
                2);
        assertThat(Errors.forCode(badPattern.data().errorCode())).isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);

        DescribeTransactionsResponse unknown = (DescribeTransactionsResponse) call(
                new DescribeTransactionsHandler(transactions),
                ApiKeys.DESCRIBE_TRANSACTIONS,
                new DescribeTransactionsRequestData().setTransactionalIds(List.of("nobody")),
                0);
        assertThat(unknown.data().transactionStates().get(0).errorCode())
                .isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
    }

    @Test
    void requestsWithoutTransactionalIdOrGroupIdAreRefusedAtEveryVersion() {
        AddOffsetsToTxnHandler addOffsets = new AddOffsetsToTxnHandler(transactions, groups, OFFSETS_TOPIC);
        EndTxnHandler end = new EndTxnHandler(transactions);
        TxnOffsetCommitHandler txnCommit =
                new TxnOffsetCommitHandler(groups, fixture.topics, OFFSETS_TOPIC, transactions::verifyPartition);
        for (short v = addOffsets.minVersion(); v <= addOffsets.maxVersion(); v++) {
            AbstractResponse noTxn = call(
                    addOffsets,
                    ApiKeys.ADD_OFFSETS_TO_TXN,
                    new AddOffsetsToTxnRequestData().setTransactionalId("").setGroupId("g"),
                    v);
            AbstractResponse noGroup = call(
                    addOffsets,
                    ApiKeys.ADD_OFFSETS_TO_TXN,
                    new AddOffsetsToTxnRequestData().setTransactionalId("t").setGroupId(""),
                    v);
            assertThat(noTxn.errorCounts()).as("AddOffsetsToTxn v%d", v).containsOnlyKeys(Errors.INVALID_REQUEST);
            assertThat(noGroup.errorCounts()).as("AddOffsetsToTxn v%d", v).containsOnlyKeys(Errors.INVALID_GROUP_ID);
        }
        for (short v = end.minVersion(); v <= end.maxVersion(); v++) {
            AbstractResponse noTxn = call(end, ApiKeys.END_TXN, new EndTxnRequestData().setTransactionalId(""), v);
            assertThat(noTxn.errorCounts()).as("EndTxn v%d", v).containsOnlyKeys(Errors.INVALID_REQUEST);
        }
        for (short v = txnCommit.minVersion(); v <= txnCommit.maxVersion(); v++) {
            AbstractResponse noTxn =
                    call(txnCommit, ApiKeys.TXN_OFFSET_COMMIT, txnOffsetCommit("", "g", 1L, (short) 0, 5L), v);
            AbstractResponse noGroup =
                    call(txnCommit, ApiKeys.TXN_OFFSET_COMMIT, txnOffsetCommit("t", "", 1L, (short) 0, 5L), v);
            assertThat(noTxn.errorCounts())
                    .as("TxnOffsetCommit v%d", v)
                    .containsExactly(Map.entry(Errors.INVALID_REQUEST, 1));
            assertThat(noGroup.errorCounts())
                    .as("TxnOffsetCommit v%d", v)
                    .containsExactly(Map.entry(Errors.INVALID_GROUP_ID, 1));
        }
    }

    private static ProduceRequestData transactionalProduce(String txnId, long pid, short epoch, int version) {
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName("orders");
        td.partitionData()
                .add(new ProduceRequestData.PartitionProduceData()
                        .setIndex(0)
                        .setRecords(MemoryRecords.withTransactionalRecords(
                                Compression.NONE,
                                pid,
                                epoch,
                                0,
                                new SimpleRecord(("v" + version).getBytes(StandardCharsets.UTF_8)))));
        ProduceRequestData data = new ProduceRequestData()
                .setAcks((short) -1)
                .setTimeoutMs(10_000)
                .setTransactionalId(txnId);
        data.topicData().add(td);
        return data;
    }

    private static TxnOffsetCommitRequestData txnOffsetCommit(
            String txnId, String group, long pid, short epoch, long offset) {
        TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t =
                new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName("orders");
        t.partitions()
                .add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                        .setPartitionIndex(0)
                        .setCommittedOffset(offset)
                        .setCommittedMetadata(""));
        return new TxnOffsetCommitRequestData()
                .setTransactionalId(txnId)
                .setGroupId(group)
                .setProducerId(pid)
                .setProducerEpoch(epoch)
                .setTopics(new ArrayList<>(List.of(t)));
    }

    private static OffsetFetchRequestData offsetFetch(String group) {
        return new OffsetFetchRequestData()
                .setRequireStable(true)
                .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                        .setGroupId(group)
                        .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                .setName("orders")
                                .setPartitionIndexes(List.of(0))))));
    }
}
