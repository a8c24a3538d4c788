package io.millrace.spark.source;

import static io.millrace.spark.TestRecords.bytes;
import static io.millrace.spark.TestRecords.values;
import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.spark.SparkTestSession;
import io.millrace.spark.TestRecords;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.CompactedTopics;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Batch reads of {@code format("millrace")} against a real broker. */
class BatchReadIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().override("log.cleaner.backoff.ms", "100").build();

    private static Dataset<Row> read(Map<String, String> options) {
        return SparkTestSession.get()
                .read()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .options(options)
                .load();
    }

    @Test
    void everyColumnHoldsWhatTheRecordHoldsAndTheSchemaIsKafkas() {
        Clients.createTopic(broker.bootstrap(), "columns", 1, Map.of());
        long timestamp = 1_700_000_000_123L;
        RecordMetadata written = TestRecords.write(
                broker.bootstrap(),
                new ProducerRecord<>(
                        "columns",
                        0,
                        timestamp,
                        bytes("k"),
                        bytes("v"),
                        List.of(new RecordHeader("h1", bytes("x")), new RecordHeader("h2", null))));

        Dataset<Row> withHeaders = read(Map.of("subscribe", "columns", "includeHeaders", "true"));
        Dataset<Row> withoutHeaders = read(Map.of("subscribe", "columns"));
        Dataset<Row> kafka = SparkTestSession.get()
                .read()
                .format("kafka")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("subscribe", "columns")
                .option("includeHeaders", "true")
                .load();

        assertThat(withHeaders.schema()).isEqualTo(kafka.schema());
        assertThat(withoutHeaders.schema().fieldNames())
                .containsExactly("key", "value", "topic", "partition", "offset", "timestamp", "timestampType");
        List<Row> rows = withHeaders.collectAsList();
        assertThat(rows).hasSize(1);
        Row row = rows.get(0);
        assertThat(new String((byte[]) row.getAs("key"), StandardCharsets.UTF_8))
                .isEqualTo("k");
        assertThat(new String((byte[]) row.getAs("value"), StandardCharsets.UTF_8))
                .isEqualTo("v");
        assertThat((String) row.getAs("topic")).isEqualTo("columns");
        assertThat((int) row.getAs("partition")).isZero();
        assertThat((long) row.getAs("offset")).isEqualTo(written.offset());
        assertThat((Timestamp) row.getAs("timestamp")).isEqualTo(new Timestamp(timestamp));
        assertThat((int) row.getAs("timestampType")).isZero();
        List<Row> headers = row.getList(row.fieldIndex("headers"));
        assertThat(headers).hasSize(2);
        assertThat(headers.get(0).getString(0)).isEqualTo("h1");
        assertThat(new String((byte[]) headers.get(0).get(1), StandardCharsets.UTF_8))
                .isEqualTo("x");
        assertThat(headers.get(1).getString(0)).isEqualTo("h2");
        assertThat(headers.get(1).get(1)).isNull();
        assertThat(comparable(withHeaders)).isEqualTo(comparable(kafka));
    }

    @Test
    void startingAndEndingOffsetsPerPartitionBoundTheRead() {
        Clients.createTopic(broker.bootstrap(), "bounded", 2, Map.of());
        for (int i = 0; i < 10; i++) {
            TestRecords.write(broker.bootstrap(), new ProducerRecord<>("bounded", i % 2, null, bytes("r" + i)));
        }

        List<Row> rows = read(Map.of(
                        "subscribe", "bounded",
                        "startingOffsets", "{\"bounded\":{\"0\":1,\"1\":-2}}",
                        "endingOffsets", "{\"bounded\":{\"0\":3,\"1\":-1}}"))
                .orderBy("partition", "offset")
                .collectAsList();

        assertThat(values(rows)).containsExactly("r2", "r4", "r1", "r3", "r5", "r7", "r9");
    }

    @Test
    void aStartingTimestampStartsEachPartitionAtItsFirstRecordAtOrAfterIt() {
        Clients.createTopic(broker.bootstrap(), "timed", 2, Map.of());
        for (int i = 0; i < 6; i++) {
            TestRecords.write(
                    broker.bootstrap(), new ProducerRecord<>("timed", i % 2, 1_000L * (i + 1), null, bytes("t" + i)));
        }

        List<String> global = values(read(Map.of("subscribe", "timed", "startingTimestamp", "3000"))
                .orderBy("timestamp")
                .collectAsList());
        List<String> perPartition = values(
                read(Map.of("subscribe", "timed", "startingOffsetsByTimestamp", "{\"timed\":{\"0\":5000,\"1\":1}}"))
                        .orderBy("timestamp")
                        .collectAsList());
        List<String> ended = values(read(Map.of("subscribe", "timed", "endingTimestamp", "3000"))
                .orderBy("timestamp")
                .collectAsList());

        assertThat(global).containsExactly("t2", "t3", "t4", "t5");
        assertThat(perPartition).containsExactly("t1", "t3", "t4", "t5");
        assertThat(ended).containsExactly("t0", "t1");
    }

    @Test
    void minPartitionsSplitsALargePartitionIntoSeveralTasksWithoutLosingOrRepeatingRecords() {
        Clients.createTopic(broker.bootstrap(), "large", 1, Map.of());
        List<String> written = TestRecords.write(broker.bootstrap(), "large", "big", 90);

        Dataset<Row> split = read(Map.of("subscribe", "large", "minPartitions", "3"));
        Dataset<Row> whole = read(Map.of("subscribe", "large"));

        assertThat(split.javaRDD().getNumPartitions()).isEqualTo(3);
        assertThat(whole.javaRDD().getNumPartitions()).isEqualTo(1);
        assertThat(values(split.orderBy("offset").collectAsList())).containsExactlyElementsOf(written);
    }

    @Test
    void aCompactedTopicIsReadToItsEndWithoutADataLossError() throws Exception {
        String topic = "compacted";
        List<String> compacted = CompactedTopics.createAndCompact(broker.bootstrap(), topic, DEADLINE);

        List<Row> rows = read(Map.of("subscribe", topic, "minPartitions", "4"))
                .orderBy("offset")
                .collectAsList();

        assertThat(values(rows)).containsExactlyElementsOf(compacted);
    }

    @Test
    void abortedTransactionsAndMarkersAreSkippedAndTheReadEnds() throws Exception {
        String topic = "transactions";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> txn = TestRecords.transactional(broker.bootstrap(), "batch-writer")) {
            TestRecords.inTransaction(txn, topic, true, "a1", "a2");
            TestRecords.inTransaction(txn, topic, false, "b1", "b2");
            TestRecords.write(broker.bootstrap(), new ProducerRecord<>(topic, bytes("c1")));
            TestRecords.inTransaction(txn, topic, true, "d1");
            TestRecords.inTransaction(txn, topic, false, "e1");
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        Await.value(
                "the last abort marker to be written",
                DEADLINE,
                () -> Clients.await(broker.admin()
                                .listOffsets(Map.of(partition, OffsetSpec.latest()))
                                .partitionResult(partition))
                        .offset(),
                offset -> offset == 11);

        List<Row> rows = read(Map.of("subscribe", topic)).orderBy("offset").collectAsList();

        assertThat(values(rows)).containsExactly("a1", "a2", "c1", "d1");
    }

    /** The rows with binary columns as hex, so that rows of two reads compare by content. */
    private static List<String> comparable(Dataset<Row> rows) {
        return rows
                .selectExpr(
                        "hex(key)",
                        "hex(value)",
                        "topic",
                        "partition",
                        "offset",
                        "timestamp",
                        "timestampType",
                        "transform(headers, h -> concat(h.key, '=', coalesce(hex(h.value), 'null')))")
                .collectAsList()
                .stream()
                .map(Row::toString)
                .toList();
    }
}
