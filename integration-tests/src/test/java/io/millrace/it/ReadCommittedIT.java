package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.RawKafkaConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What consumers see of transactions, with Kafka's own producer and consumer: read_committed never
 * sees aborted records and waits at an open transaction; read_uncommitted sees every record; the
 * transaction markers are control batches in the log (a raw fetch shows them at their offsets), never
 * records a consumer returns.
 */
class ReadCommittedIT {

    private static final String TOPIC = "read-committed";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @BeforeAll
    static void createTopic() {
        Clients.createTopic(broker.bootstrap(), TOPIC, 1, Map.of());
    }

    private static KafkaProducer<byte[], byte[]> transactional(String id) {
        return Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String... values) {
        for (String v : values) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, v.getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    @Test
    void abortedRecordsAreInvisibleToReadCommittedAndMarkersNeverSurfaceAsRecords() throws Exception {
        try (KafkaProducer<byte[], byte[]> txn = transactional("rc-writer");
                KafkaProducer<byte[], byte[]> plain = Clients.producer(broker.bootstrap())) {
            txn.initTransactions();
            txn.beginTransaction();
            send(txn, "c0", "c1", "c2");
            txn.commitTransaction();
            txn.beginTransaction();
            send(txn, "a0", "a1", "a2");
            send(plain, "p0");
            txn.abortTransaction();
            txn.beginTransaction();
            send(txn, "c3", "c4");
            txn.commitTransaction();
        }
        long end = endOffset(IsolationLevel.READ_UNCOMMITTED);

        Map<Long, String> committed = read(IsolationLevel.READ_COMMITTED);
        Map<Long, String> everything = read(IsolationLevel.READ_UNCOMMITTED);
        Map<Long, Boolean> batches = rawBatches();

        assertThat(committed.values()).containsExactly("c0", "c1", "c2", "p0", "c3", "c4");
        assertThat(everything.values()).containsExactly("c0", "c1", "c2", "a0", "a1", "a2", "p0", "c3", "c4");
        List<Long> markers = new ArrayList<>();
        batches.forEach((offset, control) -> {
            if (control) {
                markers.add(offset);
            }
        });
        assertThat(markers).as("one marker per transaction").hasSize(3);
        assertThat(everything.keySet()).doesNotContainAnyElementsOf(markers);
        assertThat(everything.size() + markers.size())
                .as("every offset is a record or a marker")
                .isEqualTo((int) end);
        assertThat(endOffset(IsolationLevel.READ_COMMITTED)).isEqualTo(end);
    }

    @Test
    void readCommittedWaitsAtAnOpenTransactionAndGoesOnWhenItCommits() throws Exception {
        String topic = "open-txn";
        TopicPartition tp = new TopicPartition(topic, 0);
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> txn = transactional("rc-open");
                KafkaProducer<byte[], byte[]> plain = Clients.producer(broker.bootstrap());
                KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(
                        broker.bootstrap(), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            plain.send(new ProducerRecord<>(topic, 0, null, "before".getBytes(StandardCharsets.UTF_8)))
                    .get();
            txn.initTransactions();
            txn.beginTransaction();
            txn.send(new ProducerRecord<>(topic, 0, null, "in-txn".getBytes(StandardCharsets.UTF_8)))
                    .get();
            plain.send(new ProducerRecord<>(topic, 0, null, "after".getBytes(StandardCharsets.UTF_8)))
                    .get();

            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> seen = new ArrayList<>();
            Await.until("read_committed reaches the open transaction", Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(100))
                        .forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
                return consumer.position(tp) == 1;
            });
            assertThat(consumer.endOffsets(List.of(tp)).get(tp))
                    .as("the last stable offset")
                    .isEqualTo(1);
            for (int i = 0; i < 5; i++) {
                consumer.poll(Duration.ofMillis(100))
                        .forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
            assertThat(seen).containsExactly("before");
            assertThat(consumer.position(tp))
                    .as("never past the open transaction")
                    .isEqualTo(1);

            txn.commitTransaction();
            Await.until("read_committed reaches the end", Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(100))
                        .forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
                return consumer.position(tp) == 4;
            });
            assertThat(seen).containsExactly("before", "in-txn", "after");
        }
    }

    private static long endOffset(IsolationLevel isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(
                broker.bootstrap(), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString()))) {
            return consumer.endOffsets(List.of(TP)).get(TP);
        }
    }

    /** Offset to value of every record a consumer with that isolation level returns, reading to the end. */
    private static Map<Long, String> read(IsolationLevel isolation) {
        Map<Long, String> out = new TreeMap<>();
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(), config)) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long end = consumer.endOffsets(List.of(TP)).get(TP);
            Await.until("the consumer reads to offset " + end, Duration.ofSeconds(60), () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    out.put(r.offset(), new String(r.value(), StandardCharsets.UTF_8));
                }
                return consumer.position(TP) >= end;
            });
        }
        return out;
    }

    /** Base offset of every batch in the log and whether it is a control batch, from raw Fetch requests. */
    private static Map<Long, Boolean> rawBatches() throws Exception {
        Map<Long, Boolean> out = new TreeMap<>();
        try (RawKafkaConnection connection =
                RawKafkaConnection.open(BrokerProcess.HOST, broker.port(), Duration.ofSeconds(10))) {
            short version = 12;
            long offset = 0;
            while (true) {
                FetchRequestData request = new FetchRequestData()
                        .setMaxWaitMs(0)
                        .setMinBytes(1)
                        .setMaxBytes(1 << 20)
                        .setIsolationLevel(IsolationLevel.READ_UNCOMMITTED.id())
                        .setSessionEpoch(-1);
                request.topics()
                        .add(new FetchRequestData.FetchTopic()
                                .setTopic(TOPIC)
                                .setPartitions(List.of(new FetchRequestData.FetchPartition()
                                        .setPartition(0)
                                        .setFetchOffset(offset)
                                        .setPartitionMaxBytes(1 << 20))));
                FetchResponseData response = (FetchResponseData) connection.send(request, version);
                FetchResponseData.PartitionData pd =
                        response.responses().get(0).partitions().get(0);
                assertThat(Errors.forCode(pd.errorCode())).isEqualTo(Errors.NONE);
                MemoryRecords records = (MemoryRecords) pd.records();
                if (records == null || records.sizeInBytes() == 0) {
                    return out;
                }
                for (RecordBatch batch : records.batches()) {
                    out.put(batch.baseOffset(), batch.isControlBatch());
                    if (batch.isControlBatch()) {
                        Record marker = batch.iterator().next();
                        assertThat(marker.key()).as("a control record").isNotNull();
                    }
                    offset = batch.nextOffset();
                }
                assertThat(ApiKeys.FETCH.isVersionSupported(version)).isTrue();
            }
        }
    }
}
