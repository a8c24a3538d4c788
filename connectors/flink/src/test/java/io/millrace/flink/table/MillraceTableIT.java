package io.millrace.flink.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.source.FlinkTestClusters;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code 'connector' = 'millrace'} tables on a Flink MiniCluster (jobs inherit a few fixed-delay
 * restarts from the cluster) against a real broker JVM: INSERT and SELECT with metadata columns
 * checked against a plain consumer, key columns in the record key, bounded scans, stream tables and
 * an exactly-once INSERT.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MillraceTableIT {

    private static final Pattern JSON_ORDER = Pattern.compile("\\{\"name\":\"(\\w+)\",\"amount\":(\\d+)}");

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @RegisterExtension
    static final MiniClusterExtension flink = FlinkTestClusters.extension();

    @Test
    void insertedRowsReadBackWithTheMetadataAConsumerSees() throws Exception {
        Clients.createTopic(broker.bootstrap(), "orders", 2, Map.of());
        StreamTableEnvironment tables = tables(StreamExecutionEnvironment.getExecutionEnvironment());
        SqlTables.create(
                tables,
                "orders_out",
                "name STRING, amount INT, headers MAP<STRING, BYTES> METADATA,"
                        + " ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp'",
                SqlTables.millrace(broker.bootstrap(), "orders"));
        SqlTables.run(
                tables,
                "INSERT INTO orders_out VALUES"
                        + " ('a', 1, MAP['origin', CAST('sql' AS BYTES)], TO_TIMESTAMP_LTZ(1000, 3)),"
                        + " ('b', 2, MAP['origin', CAST('sql' AS BYTES)], TO_TIMESTAMP_LTZ(2000, 3)),"
                        + " ('c', 3, MAP['origin', CAST('sql' AS BYTES)], TO_TIMESTAMP_LTZ(3000, 3))");

        Map<String, String> bounded = SqlTables.millrace(broker.bootstrap(), "orders");
        bounded.put("scan.bounded.mode", "latest-offset");
        SqlTables.create(
                tables,
                "orders_in",
                "name STRING, amount INT,"
                        + " record_topic STRING METADATA FROM 'topic' VIRTUAL,"
                        + " record_partition INT METADATA FROM 'partition' VIRTUAL,"
                        + " record_offset BIGINT METADATA FROM 'offset' VIRTUAL,"
                        + " record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',"
                        + " record_headers MAP<STRING, BYTES> METADATA FROM 'headers'",
                bounded);
        List<String> read = new ArrayList<>();
        for (Row row : SqlTables.rows(tables, "SELECT * FROM orders_in")) {
            read.add(describe(
                    (String) row.getField("name"),
                    (Integer) row.getField("amount"),
                    (String) row.getField("record_topic"),
                    (Integer) row.getField("record_partition"),
                    (Long) row.getField("record_offset"),
                    ((Instant) row.getField("record_time")).toEpochMilli(),
                    headerText(row.getField("record_headers"))));
        }

        List<String> consumed = new ArrayList<>();
        Clients.readToEnd(broker.bootstrap(), partitions("orders", 2), record -> {
            Matcher order = JSON_ORDER.matcher(text(record.value()));
            assertThat(order.matches()).as(text(record.value())).isTrue();
            Map<String, String> headers = new TreeMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), text(header.value()));
            }
            consumed.add(describe(
                    order.group(1),
                    Integer.parseInt(order.group(2)),
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.timestamp(),
                    headers.toString()));
        });
        assertThat(read).containsExactlyInAnyOrderElementsOf(consumed).hasSize(3);
        assertThat(consumed)
                .anyMatch(r -> r.startsWith("a/1@") && r.contains(" t=1000 {origin=sql}"))
                .anyMatch(r -> r.startsWith("c/3@") && r.contains(" t=3000 {origin=sql}"));
    }

    @Test
    void keyFieldsGoToTheRecordKeyAndExceptKeyLeavesThemOutOfTheValue() throws Exception {
        Clients.createTopic(broker.bootstrap(), "accounts", 1, Map.of());
        StreamTableEnvironment tables = tables(StreamExecutionEnvironment.getExecutionEnvironment());
        Map<String, String> options = SqlTables.millrace(broker.bootstrap(), "accounts");
        options.put("key.format", "json");
        options.put("key.fields", "id");
        options.put("value.fields-include", "EXCEPT_KEY");
        options.put("scan.bounded.mode", "latest-offset");
        SqlTables.create(tables, "accounts", "id INT, name STRING", options);
        SqlTables.run(tables, "INSERT INTO accounts VALUES (1, 'ada'), (2, 'grace')");

        Map<String, String> onTheWire = new TreeMap<>();
        Clients.readToEnd(
                broker.bootstrap(),
                partitions("accounts", 1),
                record -> onTheWire.put(text(record.key()), text(record.value())));
        assertThat(onTheWire)
                .containsExactlyEntriesOf(new TreeMap<>(
                        Map.of("{\"id\":1}", "{\"name\":\"ada\"}", "{\"id\":2}", "{\"name\":\"grace\"}")));

        assertThat(SqlTables.rows(tables, "SELECT id, name FROM accounts"))
                .containsExactlyInAnyOrder(Row.of(1, "ada"), Row.of(2, "grace"));
    }

    @Test
    void aBoundedScanStopsAtTheEndAndTheJobFinishes() throws Exception {
        Clients.createTopic(broker.bootstrap(), "bounded", 2, Map.of());
        List<String> written = writeOrders("bounded", 2, "x", 20);
        StreamTableEnvironment tables = tables(StreamExecutionEnvironment.getExecutionEnvironment());
        Map<String, String> options = SqlTables.millrace(broker.bootstrap(), "bounded");
        options.put("scan.bounded.mode", "latest-offset");
        SqlTables.create(tables, "bounded_in", "name STRING, amount INT", options);

        TableResult result = tables.executeSql("SELECT name, amount FROM bounded_in");
        List<String> read = new ArrayList<>();
        try (CloseableIterator<Row> rows = result.collect()) {
            rows.forEachRemaining(row -> read.add(row.getField(0) + "/" + row.getField(1)));
        }
        JobClient job = result.getJobClient().orElseThrow();
        assertThat(job.getJobExecutionResult().get(1, TimeUnit.MINUTES)).isNotNull();
        assertThat(job.getJobStatus().get(1, TimeUnit.MINUTES)).isEqualTo(JobStatus.FINISHED);
        assertThat(read).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void recordsAFormatSkipsAreDroppedNotTurnedIntoDeletions() throws Exception {
        Clients.createTopic(broker.bootstrap(), "lenient", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (String value : List.of("{\"name\":\"a\",\"amount\":1}", "not json", "{\"name\":\"b\",\"amount\":2}")) {
                producer.send(new ProducerRecord<>("lenient", value.getBytes(StandardCharsets.UTF_8)))
                        .get(1, TimeUnit.MINUTES);
            }
        }
        StreamTableEnvironment tables = tables(StreamExecutionEnvironment.getExecutionEnvironment());
        Map<String, String> options = SqlTables.millrace(broker.bootstrap(), "lenient");
        options.put("scan.bounded.mode", "latest-offset");
        options.put("value.json.ignore-parse-errors", "true");
        SqlTables.create(tables, "lenient_values", "name STRING, amount INT", options);
        SqlTables.create(
                tables, "lenient_with_offsets", "name STRING, amount INT, `offset` BIGINT METADATA VIRTUAL", options);

        // without metadata columns the value format's rows go straight out; with them they are assembled
        assertThat(SqlTables.rows(tables, "SELECT name, amount FROM lenient_values"))
                .containsExactly(Row.ofKind(RowKind.INSERT, "a", 1), Row.ofKind(RowKind.INSERT, "b", 2));
        assertThat(SqlTables.rows(tables, "SELECT name, amount, `offset` FROM lenient_with_offsets"))
                .containsExactly(Row.ofKind(RowKind.INSERT, "a", 1, 0L), Row.ofKind(RowKind.INSERT, "b", 2, 2L));
    }

    @Test
    void eventTimeWindowsCloseOnWatermarksFromTheRecordTimestamps() throws Exception {
        Clients.createTopic(broker.bootstrap(), "clicks", 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            long[] timestamps = {1_000, 2_000, 9_000, 11_000, 12_000, 25_000};
            for (int i = 0; i < timestamps.length; i++) {
                String json = "{\"name\":\"c" + i + "\",\"amount\":1}";
                producer.send(new ProducerRecord<>(
                                "clicks", i % 2, timestamps[i], null, json.getBytes(StandardCharsets.UTF_8)))
                        .get(1, TimeUnit.MINUTES);
            }
        }
        StreamTableEnvironment tables = tables(StreamExecutionEnvironment.getExecutionEnvironment());
        Map<String, String> options = SqlTables.millrace(broker.bootstrap(), "clicks");
        options.put("scan.bounded.mode", "latest-offset");
        SqlTables.create(
                tables,
                "clicks",
                "name STRING, amount INT, ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',"
                        + " WATERMARK FOR ts AS ts - INTERVAL '1' SECOND",
                options);
        String query = "SELECT SUM(amount) FROM TABLE("
                + "TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end";

        // pushed into the source, as is the metadata
        assertThat(tables.explainSql(query))
                .contains("TableSourceScan(table=[[default_catalog, default_database, clicks, metadata=[timestamp],"
                        + " watermark=[");
        // windows [0 s, 10 s), [10 s, 20 s) and [20 s, 30 s)
        assertThat(SqlTables.rows(tables, query)).map(row -> row.getField(0)).containsExactlyInAnyOrder(3, 2, 1);
    }

    @Test
    void aStreamTableReadsEveryTopicOfTheStreamAndNoOther() throws Exception {
        Clients.createTopic(broker.bootstrap(), "payments:card", 2, Map.of());
        Clients.createTopic(broker.bootstrap(), "payments:cash", 1, Map.of());
        Clients.createTopic(broker.bootstrap(), "refunds:card", 1, Map.of());
        List<String> expected = new ArrayList<>(writeOrders("payments:card", 2, "card", 6));
        expected.addAll(writeOrders("payments:cash", 1, "cash", 3));
        writeOrders("refunds:card", 1, "refund", 3);
        StreamTableEnvironment tables = tables(StreamExecutionEnvironment.getExecutionEnvironment());
        Map<String, String> options = SqlTables.millrace(broker.bootstrap(), "unused");
        options.remove("topic");
        options.put("stream", "payments");
        options.put("scan.bounded.mode", "latest-offset");
        SqlTables.create(tables, "payments", "name STRING, amount INT, topic STRING METADATA VIRTUAL", options);

        List<Row> rows = SqlTables.rows(tables, "SELECT name, amount, topic FROM payments");
        assertThat(rows)
                .map(row -> row.getField(0) + "/" + row.getField(1))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(rows).map(row -> (String) row.getField(2)).containsOnly("payments:card", "payments:cash");
    }

    @Test
    void anExactlyOnceInsertWritesEveryRowOnceForReadCommittedReaders() throws Exception {
        Clients.createTopic(broker.bootstrap(), "eo-in", 2, Map.of());
        Clients.createTopic(broker.bootstrap(), "eo-out", 2, Map.of());
        List<String> written = writeOrders("eo-in", 2, "r", 500);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(100);
        env.setParallelism(2);
        StreamTableEnvironment tables = tables(env);
        Map<String, String> input = SqlTables.millrace(broker.bootstrap(), "eo-in");
        input.put("scan.bounded.mode", "latest-offset");
        SqlTables.create(tables, "eo_in", "name STRING, amount INT", input);
        Map<String, String> output = SqlTables.millrace(broker.bootstrap(), "eo-out");
        output.put("sink.delivery-guarantee", "exactly-once");
        output.put("sink.transactional-id-prefix", "table-eo");
        SqlTables.create(tables, "eo_out", "name STRING, amount INT", output);

        SqlTables.run(tables, "INSERT INTO eo_out SELECT name, amount FROM eo_in");

        List<String> committed = new ArrayList<>();
        Clients.readToEnd(
                broker.bootstrap(),
                partitions("eo-out", 2),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                record -> committed.add(order(record)));
        assertThat(committed).containsExactlyInAnyOrderElementsOf(written);
    }

    private static StreamTableEnvironment tables(StreamExecutionEnvironment env) {
        return StreamTableEnvironment.create(env);
    }

    /** Writes {@code count} json orders named {@code prefix<i>} spread over the partitions; returns "name/amount"s. */
    private static List<String> writeOrders(String topic, int partitions, String prefix, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < count; i++) {
                String json = "{\"name\":\"" + prefix + i + "\",\"amount\":" + i + "}";
                producer.send(new ProducerRecord<>(topic, i % partitions, null, json.getBytes(StandardCharsets.UTF_8)))
                        .get(1, TimeUnit.MINUTES);
            }
        }
        return IntStream.range(0, count).mapToObj(i -> prefix + i + "/" + i).toList();
    }

    private static String order(ConsumerRecord<byte[], byte[]> record) {
        Matcher order = JSON_ORDER.matcher(text(record.value()));
        assertThat(order.matches()).as(text(record.value())).isTrue();
        return order.group(1) + "/" + order.group(2);
    }

    private static String describe(
            String name, int amount, String topic, int partition, long offset, long timestamp, String headers) {
        return name + "/" + amount + "@" + topic + "-" + partition + ":" + offset + " t=" + timestamp + " " + headers;
    }

    @SuppressWarnings("unchecked")
    private static String headerText(Object headers) {
        Map<String, String> text = new TreeMap<>();
        ((Map<String, byte[]>) headers).forEach((key, value) -> text.put(key, text(value)));
        return text.toString();
    }

    private static List<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count)
                .mapToObj(p -> new TopicPartition(topic, p))
                .toList();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
