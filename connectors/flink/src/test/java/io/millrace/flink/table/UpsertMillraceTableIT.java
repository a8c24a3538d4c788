package io.millrace.flink.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.source.FlinkTestClusters;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code 'connector' = 'upsert-millrace'} tables on a Flink MiniCluster (jobs inherit a few
 * fixed-delay restarts from the cluster) against a real broker JVM: a changelog of inserts, updates
 * and deletes written through the table reads back as each key's final state, with deletes as
 * tombstones on the wire; the sink's buffer writes only each key's last change.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UpsertMillraceTableIT {

    private static final String COLUMNS = "name STRING, amount INT, PRIMARY KEY (name) NOT ENFORCED";

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @RegisterExtension
    static final MiniClusterExtension flink = FlinkTestClusters.extension();

    @Test
    void insertsUpdatesAndDeletesReadBackAsEachKeysFinalState() throws Exception {
        Clients.createTopic(broker.bootstrap(), "balances", 2, Map.of("cleanup.policy", "compact"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        SqlTables.create(tables, "balances", COLUMNS, upsert("balances"));
        changelog(
                env,
                tables,
                "changes",
                Row.ofKind(RowKind.INSERT, "ada", 1),
                Row.ofKind(RowKind.INSERT, "grace", 2),
                Row.ofKind(RowKind.INSERT, "linus", 3),
                Row.ofKind(RowKind.UPDATE_BEFORE, "ada", 1),
                Row.ofKind(RowKind.UPDATE_AFTER, "ada", 10),
                Row.ofKind(RowKind.DELETE, "grace", 2));
        SqlTables.run(tables, "INSERT INTO balances SELECT name, amount FROM changes");

        assertThat(materialize(SqlTables.rows(tables, "SELECT name, amount FROM balances")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("ada", 10, "linus", 3));

        Map<String, List<String>> wire = valuesByKey("balances", 2);
        assertThat(wire.get("{\"name\":\"grace\"}")).containsExactly("{\"name\":\"grace\",\"amount\":2}", null);
        assertThat(wire.get("{\"name\":\"ada\"}")).last().isEqualTo("{\"name\":\"ada\",\"amount\":10}");
        assertThat(wire.get("{\"name\":\"linus\"}")).containsExactly("{\"name\":\"linus\",\"amount\":3}");
    }

    @Test
    void theSinkBufferWritesOnlyTheLastChangeOfEachKey() throws Exception {
        Clients.createTopic(broker.bootstrap(), "counters", 1, Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        Map<String, String> options = upsert("counters");
        options.put("sink.buffer-flush.max-rows", "1000");
        // longer than the job: the buffer is written at the end of input
        options.put("sink.buffer-flush.interval", "1 h");
        SqlTables.create(tables, "counters", COLUMNS, options);
        List<Row> changes = new ArrayList<>();
        changes.add(Row.ofKind(RowKind.INSERT, "hits", 0));
        IntStream.range(1, 100).forEach(i -> {
            changes.add(Row.ofKind(RowKind.UPDATE_BEFORE, "hits", i - 1));
            changes.add(Row.ofKind(RowKind.UPDATE_AFTER, "hits", i));
        });
        changes.add(Row.ofKind(RowKind.INSERT, "gone", 1));
        changes.add(Row.ofKind(RowKind.DELETE, "gone", 1));
        changelog(env, tables, "counter_changes", changes.toArray(Row[]::new));
        SqlTables.run(tables, "INSERT INTO counters SELECT name, amount FROM counter_changes");

        assertThat(valuesByKey("counters", 1))
                .containsOnlyKeys("{\"name\":\"hits\"}", "{\"name\":\"gone\"}")
                .containsEntry("{\"name\":\"hits\"}", List.of("{\"name\":\"hits\",\"amount\":99}"))
                .containsEntry("{\"name\":\"gone\"}", nullOnly());
        assertThat(materialize(SqlTables.rows(tables, "SELECT name, amount FROM counters")))
                .containsExactlyEntriesOf(Map.of("hits", 99));
    }

    private static Map<String, String> upsert(String topic) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "upsert-millrace");
        options.put("topic", topic);
        options.put("properties.bootstrap.servers", broker.bootstrap());
        options.put("key.format", "json");
        options.put("value.format", "json");
        options.put("scan.bounded.mode", "latest-offset");
        return options;
    }

    /** A view {@code name} of the given changes, in order, on one subtask. */
    private static void changelog(
            StreamExecutionEnvironment env, StreamTableEnvironment tables, String name, Row... changes) {
        DataStream<Row> stream = env.fromData(
                        Types.ROW_NAMED(new String[] {"name", "amount"}, Types.STRING, Types.INT), changes)
                .setParallelism(1);
        tables.createTemporaryView(
                name,
                tables.fromChangelogStream(
                        stream, Schema.newBuilder().primaryKey("name").build(), ChangelogMode.all()));
    }

    /** Applies a changelog to a map: the state it ends in. */
    private static Map<String, Integer> materialize(List<Row> changes) {
        Map<String, Integer> state = new HashMap<>();
        for (Row change : changes) {
            String key = (String) change.getField(0);
            switch (change.getKind()) {
                case INSERT, UPDATE_AFTER -> state.put(key, (Integer) change.getField(1));
                case UPDATE_BEFORE, DELETE -> state.remove(key);
            }
        }
        return state;
    }

    /** The values (null for a tombstone) of each key, in offset order. */
    private static Map<String, List<String>> valuesByKey(String topic, int partitions) {
        Map<String, List<String>> values = new HashMap<>();
        Clients.readToEnd(
                broker.bootstrap(),
                IntStream.range(0, partitions)
                        .mapToObj(p -> new TopicPartition(topic, p))
                        .toList(),
                record -> values.computeIfAbsent(text(record.key()), k -> new ArrayList<>())
                        .add(value(record)));
        return values;
    }

    private static String value(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? null : text(record.value());
    }

    private static List<String> nullOnly() {
        List<String> tombstone = new ArrayList<>();
        tombstone.add(null);
        return tombstone;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
