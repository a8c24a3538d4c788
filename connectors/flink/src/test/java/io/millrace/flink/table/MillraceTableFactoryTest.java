package io.millrace.flink.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.millrace.flink.sink.MillracePartitioner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The options of the {@code millrace} and {@code upsert-millrace} connectors are checked when a
 * query plans the table (no broker is needed): wrong or missing options fail with a
 * {@link ValidationException} naming the option, and good ones plan.
 */
class MillraceTableFactoryTest {

    private TableEnvironment tables;

    @BeforeEach
    void createEnvironment() {
        tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    }

    @Test
    void aTableWithTheKafkaConnectorsOptionsPlansAsSourceAndSink() {
        create("t", options());
        assertThat(executionPlan("SELECT * FROM t")).contains("MillraceSource-default_catalog.default_database.t");
        assertThat(executionPlan("INSERT INTO t SELECT * FROM t")).contains("Sink");
    }

    @Test
    void missingBootstrapServersIsNamed() {
        Map<String, String> options = options();
        options.remove("properties.bootstrap.servers");
        assertReadFailsNaming(options, "properties.bootstrap.servers");
    }

    @Test
    void anUnknownOptionIsNamed() {
        Map<String, String> options = options();
        options.put("scan.startup.mod", "earliest-offset");
        assertReadFailsNaming(options, "scan.startup.mod");
    }

    @Test
    void aWrongEnumValueIsNamed() {
        Map<String, String> options = options();
        options.put("scan.startup.mode", "first-offset");
        assertReadFailsNaming(options, "scan.startup.mode");
    }

    @Test
    void streamTogetherWithTopicIsRefusedNamingBoth() {
        Map<String, String> options = options();
        options.put("stream", "payments");
        Throwable failure = readFailure(options);
        assertThat(messages(failure)).anyMatch(m -> m.contains("'topic'") && m.contains("'stream'"));
    }

    @Test
    void streamAloneIsEnoughToRead() {
        Map<String, String> options = options();
        options.remove("topic");
        options.put("stream", "payments");
        create("t", options);
        assertThat(executionPlan("SELECT * FROM t")).contains("MillraceSource");
    }

    @Test
    void noTopicPatternOrStreamIsRefused() {
        Map<String, String> options = options();
        options.remove("topic");
        assertReadFailsNaming(options, "'topic', 'topic-pattern' and 'stream'");
    }

    @Test
    void aSinkCannotWriteToAStream() {
        Map<String, String> options = options();
        options.remove("topic");
        options.put("stream", "payments");
        assertWriteFailsNaming(options, "'stream'");
    }

    @Test
    void exactlyOnceWithoutATransactionalIdPrefixIsRefused() {
        Map<String, String> options = options();
        options.put("sink.delivery-guarantee", "exactly-once");
        assertWriteFailsNaming(options, "'sink.transactional-id-prefix'");
    }

    @Test
    void timestampStartupWithoutItsTimestampIsRefused() {
        Map<String, String> options = options();
        options.put("scan.startup.mode", "timestamp");
        assertReadFailsNaming(options, "'scan.startup.timestamp-millis'");
    }

    @Test
    void groupOffsetsStartupWithoutAGroupIsRefused() {
        Map<String, String> options = options();
        options.remove("scan.startup.mode");
        assertReadFailsNaming(options, "'properties.group.id'");
    }

    @Test
    void malformedSpecificOffsetsAreNamed() {
        Map<String, String> options = options();
        options.put("scan.bounded.mode", "specific-offsets");
        options.put("scan.bounded.specific-offsets", "partition:0;offset:3");
        assertReadFailsNaming(options, "'scan.bounded.specific-offsets'");
    }

    @Test
    void keyFieldsWithoutAKeyFormatAreRefused() {
        Map<String, String> options = options();
        options.put("key.fields", "name");
        assertReadFailsNaming(options, "'key.format'");
    }

    @Test
    void aKeyFieldThatIsNoColumnIsNamed() {
        Map<String, String> options = options();
        options.put("key.format", "json");
        options.put("key.fields", "nom");
        assertReadFailsNaming(options, "'nom'");
    }

    @Test
    void aKeyPrefixNeedsExceptKey() {
        Map<String, String> options = options();
        options.put("key.format", "json");
        options.put("key.fields", "name");
        options.put("key.fields-prefix", "k_");
        assertReadFailsNaming(options, "'key.fields-prefix'");
    }

    @Test
    void roundRobinWithKeyFieldsIsRefused() {
        Map<String, String> options = options();
        options.put("key.format", "json");
        options.put("key.fields", "name");
        options.put("sink.partitioner", "round-robin");
        assertWriteFailsNaming(options, "'sink.partitioner'");
    }

    @Test
    void aPartitionerClassThatIsNoPartitionerIsNamed() {
        Map<String, String> options = options();
        options.put("sink.partitioner", String.class.getName());
        assertWriteFailsNaming(options, "'sink.partitioner'");
    }

    @Test
    void fixedAndPartitionerClassesPlan() {
        for (String partitioner : List.of("fixed", "round-robin", FirstPartition.class.getName())) {
            Map<String, String> options = options();
            options.put("sink.partitioner", partitioner);
            tables.executeSql("DROP TABLE IF EXISTS t");
            create("t", options);
            assertThat(executionPlan("INSERT INTO t VALUES ('a', 1)"))
                    .as(partitioner)
                    .contains("Sink");
        }
    }

    /** A partitioner for {@code sink.partitioner}: a public class with a no-argument constructor. */
    public static final class FirstPartition implements MillracePartitioner<RowData> {
        private static final long serialVersionUID = 1L;

        @Override
        public int partition(RowData row, byte[] key, byte[] value, String topic, int[] partitions) {
            return partitions[0];
        }
    }

    @Test
    void anAppendOnlyTableRefusesAPrimaryKey() {
        createKeyed("t", options());
        Throwable failure = catchThrowable(() -> tables.explainSql("SELECT * FROM t"));
        assertNamed(failure, "PRIMARY KEY");
    }

    @Test
    void anUpsertTableNeedsAPrimaryKey() {
        create("u", upsertOptions());
        Throwable failure = catchThrowable(() -> tables.explainSql("SELECT * FROM u"));
        assertNamed(failure, "PRIMARY KEY");
    }

    @Test
    void anUpsertTableRefusesAChangelogKeyFormat() {
        Map<String, String> options = upsertOptions();
        options.put("key.format", "debezium-json");
        createKeyed("u", options);
        Throwable failure = catchThrowable(() -> tables.explainSql("SELECT * FROM u"));
        assertNamed(failure, "'key.format'");
    }

    @Test
    void anUpsertBufferNeedsBothOfItsOptions() {
        Map<String, String> options = upsertOptions();
        options.put("sink.buffer-flush.max-rows", "100");
        createKeyed("u", options);
        Throwable failure = catchThrowable(() -> tables.explainSql("INSERT INTO u VALUES ('a', 1)"));
        assertNamed(failure, "'sink.buffer-flush.interval'");
    }

    @Test
    void anUpsertTableDoesNotTakeAStartupMode() {
        Map<String, String> options = upsertOptions();
        options.put("scan.startup.mode", "latest-offset");
        createKeyed("u", options);
        Throwable failure = catchThrowable(() -> tables.explainSql("SELECT * FROM u"));
        assertNamed(failure, "scan.startup.mode");
    }

    @Test
    void anUpsertTablePlansAsAChangelogSourceAndABufferedSink() {
        Map<String, String> buffered = upsertOptions();
        buffered.put("sink.buffer-flush.max-rows", "100");
        buffered.put("sink.buffer-flush.interval", "1 s");
        createKeyed("u", buffered);
        assertThat(executionPlan("SELECT * FROM u")).contains("MillraceSource");
        assertThat(executionPlan("INSERT INTO u SELECT name, SUM(amount) FROM u GROUP BY name"))
                .contains("MillraceUpsertBuffer", "Sink");
    }

    /** Translating to a job graph also builds the source and sink. */
    private String executionPlan(String sql) {
        return tables.explainSql(sql, ExplainDetail.JSON_EXECUTION_PLAN);
    }

    private static Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "millrace");
        options.put("topic", "orders");
        options.put("properties.bootstrap.servers", "127.0.0.1:9092");
        options.put("scan.startup.mode", "earliest-offset");
        options.put("value.format", "json");
        return options;
    }

    private static Map<String, String> upsertOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "upsert-millrace");
        options.put("topic", "balances");
        options.put("properties.bootstrap.servers", "127.0.0.1:9092");
        options.put("key.format", "json");
        options.put("value.format", "json");
        return options;
    }

    private void create(String name, Map<String, String> options) {
        SqlTables.create(tables, name, "name STRING, amount INT", options);
    }

    private void createKeyed(String name, Map<String, String> options) {
        SqlTables.create(tables, name, "name STRING, amount INT, PRIMARY KEY (name) NOT ENFORCED", options);
    }

    private void assertWriteFailsNaming(Map<String, String> options, String named) {
        create("t", options);
        assertNamed(catchThrowable(() -> tables.explainSql("INSERT INTO t VALUES ('a', 1)")), named);
    }

    private void assertReadFailsNaming(Map<String, String> options, String named) {
        assertNamed(readFailure(options), named);
    }

    private Throwable readFailure(Map<String, String> options) {
        create("t", options);
        return catchThrowable(() -> tables.explainSql("SELECT * FROM t"));
    }

    private static void assertNamed(Throwable failure, String named) {
        assertThat(failure).isInstanceOf(ValidationException.class);
        assertThat(messages(failure)).anyMatch(message -> message.contains(named));
    }

    /** The messages of a failure and its causes: the planner wraps the factory's. */
    private static List<String> messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}
