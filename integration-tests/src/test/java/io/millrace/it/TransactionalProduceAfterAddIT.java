package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.RawKafkaConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transactional Produce that follows an acknowledged AddPartitionsToTxn is accepted, also when
 * the client keeps several Produce requests for the partition in flight before the transaction
 * has opened there (librdkafka and the Java producer both do): each of them is verified with the
 * transaction coordinator, and none may void another's verification. A Produce for a partition
 * that was never added is still refused.
 */
class TransactionalProduceAfterAddIT {

    private static final String TOPIC = "txn-after-add";
    private static final int PARTITIONS = 16;
    private static final short INIT_PRODUCER_ID_V4 = 4;
    private static final short ADD_PARTITIONS_V3 = 3;
    private static final short END_TXN_V4 = 4;
    private static final short PRODUCE_V12 = 12;
    private static final short PRODUCE_V10 = 10;

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @BeforeAll
    static void createTopic() {
        Clients.createTopic(broker.bootstrap(), TOPIC, PARTITIONS, Map.of());
    }

    @Test
    void pipelinedProducesRightAfterAnAcknowledgedAddAreAcceptedInEveryTransaction() throws Exception {
        Set<String> committed = new HashSet<>();
        try (RawTransactionalProducer producer = RawTransactionalProducer.init("pipelined")) {
            for (int txn = 0; txn < 400; txn++) {
                int partition = txn % PARTITIONS;
                assertThat(producer.add(partition))
                        .as("AddPartitionsToTxn %d", txn)
                        .isEqualTo(Errors.NONE);
                List<String> values = List.of("p" + txn + "-a", "p" + txn + "-b", "p" + txn + "-c");
                assertThat(producer.producePipelined(partition, values, PRODUCE_V12))
                        .as("transaction %d: three Produce requests in flight right after the add", txn)
                        .containsExactly(Errors.NONE, Errors.NONE, Errors.NONE);
                boolean commit = txn % 3 != 2;
                assertThat(producer.end(commit)).isEqualTo(Errors.NONE);
                if (commit) {
                    committed.addAll(values);
                }
            }
        }
        assertThat(readCommittedValues("p")).containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void aProduceForAPartitionThatWasNeverAddedIsRefused() throws Exception {
        try (RawTransactionalProducer producer = RawTransactionalProducer.init("never-added")) {
            assertThat(producer.add(0)).isEqualTo(Errors.NONE);
            long endBefore = endOffset(1);

            assertThat(producer.producePipelined(1, List.of("x-stray"), PRODUCE_V12))
                    .as("Produce v11+: the transaction must be aborted")
                    .containsExactly(Errors.TRANSACTION_ABORTABLE);
            assertThat(producer.producePipelined(1, List.of("x-stray-old"), PRODUCE_V10))
                    .as("Produce v10 and older")
                    .containsExactly(Errors.INVALID_TXN_STATE);
            assertThat(producer.producePipelined(0, List.of("x-added"), PRODUCE_V12))
                    .containsExactly(Errors.NONE);
            assertThat(producer.end(false)).isEqualTo(Errors.NONE);
            assertThat(endOffset(1))
                    .as("nothing was appended to the partition never added")
                    .isEqualTo(endBefore);
        }
        assertThat(readCommittedValues("x")).isEmpty();
    }

    @Test
    void thousandsOfTransactionsFromManyJavaProducersCommitWithoutARefusedProduce() throws Exception {
        int producers = 6;
        int transactionsEach = 250;
        Set<String> committed = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int id = p;
                runs.add(pool.submit(() -> {
                    runJavaProducer(id, transactionsEach, committed);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(committed).hasSizeGreaterThan(producers * transactionsEach);
        assertThat(readCommittedValues("j")).containsExactlyInAnyOrderElementsOf(committed);
    }

    /**
     * One transactional Java producer: each transaction writes two records, one batch each, to
     * each of three random partitions, and one in four is aborted. Any refused Produce fails the
     * commit, and with it the test.
     */
    private static void runJavaProducer(int id, int transactions, Set<String> committed) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "java-" + id);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        SplittableRandom random = new SplittableRandom(id);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(), config)) {
            producer.initTransactions();
            for (int txn = 0; txn < transactions; txn++) {
                producer.beginTransaction();
                List<String> values = new ArrayList<>();
                for (int partition :
                        random.ints(0, PARTITIONS).distinct().limit(3).toArray()) {
                    for (int r = 0; r < 2; r++) {
                        String value = "j" + id + "-" + txn + "-" + partition + "-" + r;
                        producer.send(new ProducerRecord<>(TOPIC, partition, null, utf8(value)));
                        values.add(value);
                    }
                }
                if (txn % 4 == 3) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                    committed.addAll(values);
                }
            }
        }
    }

    /** Every value with {@code prefix} that a read_committed consumer reads from the whole topic. */
    private static List<String> readCommittedValues(String prefix) {
        List<TopicPartition> all = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(TOPIC, p))
                .toList();
        List<String> values = Collections.synchronizedList(new ArrayList<>());
        Clients.readToEnd(
                broker.bootstrap(), all, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), r -> {
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    if (value.startsWith(prefix)) {
                        values.add(value);
                    }
                });
        return values;
    }

    private static long endOffset(int partition) {
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        try (var consumer = Clients.consumer(broker.bootstrap())) {
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A transactional producer speaking the protocol directly, so that the test decides exactly
     * which requests are in flight together. Keeps the sequence number of each partition.
     */
    private static final class RawTransactionalProducer implements AutoCloseable {

        private final RawKafkaConnection connection;
        private final String transactionalId;
        private final long producerId;
        private final short epoch;
        private final int[] sequences = new int[PARTITIONS];

        private RawTransactionalProducer(
                RawKafkaConnection connection, String transactionalId, long producerId, short epoch) {
            this.connection = connection;
            this.transactionalId = transactionalId;
            this.producerId = producerId;
            this.epoch = epoch;
        }

        static RawTransactionalProducer init(String transactionalId) throws Exception {
            RawKafkaConnection connection =
                    RawKafkaConnection.open(BrokerProcess.HOST, broker.port(), Duration.ofSeconds(30));
            InitProducerIdResponseData init = (InitProducerIdResponseData) connection.send(
                    new InitProducerIdRequestData()
                            .setTransactionalId(transactionalId)
                            .setTransactionTimeoutMs(60_000)
                            .setProducerId(-1)
                            .setProducerEpoch((short) -1),
                    INIT_PRODUCER_ID_V4);
            assertThat(Errors.forCode(init.errorCode())).isEqualTo(Errors.NONE);
            return new RawTransactionalProducer(connection, transactionalId, init.producerId(), init.producerEpoch());
        }

        Errors add(int partition) throws Exception {
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                    new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
            topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic()
                    .setName(TOPIC)
                    .setPartitions(List.of(partition)));
            AddPartitionsToTxnResponseData response = (AddPartitionsToTxnResponseData) connection.send(
                    new AddPartitionsToTxnRequestData()
                            .setV3AndBelowTransactionalId(transactionalId)
                            .setV3AndBelowProducerId(producerId)
                            .setV3AndBelowProducerEpoch(epoch)
                            .setV3AndBelowTopics(topics),
                    ADD_PARTITIONS_V3);
            return Errors.forCode(response.resultsByTopicV3AndBelow()
                    .find(TOPIC)
                    .resultsByPartition()
                    .find(partition)
                    .partitionErrorCode());
        }

        /** One Produce request per value, all written before any answer is read; their errors in order. */
        List<Errors> producePipelined(int partition, List<String> values, short version) throws Exception {
            List<ApiMessage> requests = new ArrayList<>();
            for (String value : values) {
                ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
                topic.partitionData()
                        .add(new ProduceRequestData.PartitionProduceData()
                                .setIndex(partition)
                                .setRecords(MemoryRecords.withTransactionalRecords(
                                        Compression.NONE,
                                        producerId,
                                        epoch,
                                        sequences[partition]++,
                                        new SimpleRecord(utf8(value)))));
                ProduceRequestData request = new ProduceRequestData()
                        .setAcks((short) -1)
                        .setTimeoutMs(30_000)
                        .setTransactionalId(transactionalId);
                request.topicData().add(topic);
                requests.add(request);
            }
            List<Errors> errors = new ArrayList<>();
            for (ApiMessage response : connection.sendPipelined(requests, version)) {
                ProduceResponseData.PartitionProduceResponse answer = ((ProduceResponseData) response)
                        .responses()
                        .iterator()
                        .next()
                        .partitionResponses()
                        .get(0);
                errors.add(Errors.forCode(answer.errorCode()));
            }
            for (int i = errors.size() - 1; i >= 0 && errors.get(i) != Errors.NONE; i--) {
                sequences[partition]--; // refused batches leave no sequence behind
            }
            return errors;
        }

        Errors end(boolean commit) throws Exception {
            EndTxnResponseData response = (EndTxnResponseData) connection.send(
                    new EndTxnRequestData()
                            .setTransactionalId(transactionalId)
                            .setProducerId(producerId)
                            .setProducerEpoch(epoch)
                            .setCommitted(commit),
                    END_TXN_V4);
            return Errors.forCode(response.errorCode());
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }
}
