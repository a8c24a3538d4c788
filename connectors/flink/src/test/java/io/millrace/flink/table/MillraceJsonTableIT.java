package io.millrace.flink.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.millrace.flink.source.FlinkTestClusters;
import io.millrace.schema.client.CachedSchemaRegistryClient;
import io.millrace.schema.client.SchemaMetadata;
import io.millrace.schema.serde.WireFormat;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code 'value.format' = 'millrace-json'} and {@code 'key.format' = 'millrace-json'} through SQL
 * against a broker running its schema registry: keys and values in the wire format under the
 * default subjects {@code <topic>-key} and {@code <topic>-value} (checked with a plain consumer),
 * an upsert table, two table versions (the second adds a nullable column) reading each other's
 * rows, and a record that is not in the wire format failing the query or skipped.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MillraceJsonTableIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @RegisterExtension
    static final MiniClusterExtension flink = FlinkTestClusters.extension();

    @Test
    void keysAndValuesAreWrittenInTheWireFormatUnderTheDefaultSubjectsAndReadBack() throws Exception {
        Clients.createTopic(broker.bootstrap(), "members", 1, Map.of());
        StreamTableEnvironment tables = tables();
        Map<String, String> options = jsonTable("members");
        options.put("key.format", "millrace-json");
        options.put("key.millrace-json.url", broker.registryUrl());
        options.put("key.fields", "id");
        options.put("value.fields-include", "EXCEPT_KEY");
        SqlTables.create(tables, "members", "id BIGINT NOT NULL, name STRING", options);

        SqlTables.run(tables, "INSERT INTO members VALUES (1, 'ada'), (2, 'grace')");

        SchemaMetadata key = registry().getLatestSchemaMetadata("members-key");
        SchemaMetadata value = registry().getLatestSchemaMetadata("members-value");
        assertThat(List.of(key.schemaType(), value.schemaType())).containsExactly("JSON", "JSON");
        assertThat(registry().getSchemaStringById(value.id()).schemaType()).isEqualTo("JSON");
        Map<String, String> onTheWire = new TreeMap<>();
        Clients.readToEnd(broker.bootstrap(), List.of(new TopicPartition("members", 0)), record -> {
            assertThat(record.key()[0]).as("magic byte of the key").isZero();
            assertThat(record.value()[0]).as("magic byte of the value").isZero();
            assertThat(WireFormat.schemaId(record.key())).isEqualTo(key.id());
            assertThat(WireFormat.schemaId(record.value())).isEqualTo(value.id());
            onTheWire.put(json(record.key()), json(record.value()));
        });
        assertThat(onTheWire)
                .containsExactlyEntriesOf(new TreeMap<>(
                        Map.of("{\"id\":1}", "{\"name\":\"ada\"}", "{\"id\":2}", "{\"name\":\"grace\"}")));
        assertThat(SqlTables.rows(tables, "SELECT id, name FROM members"))
                .containsExactlyInAnyOrder(Row.of(1L, "ada"), Row.of(2L, "grace"));
    }

    @Test
    void anUpsertTableWithRegistryJsonKeysAndValuesReadsEachKeysLastValue() throws Exception {
        Clients.createTopic(broker.bootstrap(), "scores", 1, Map.of());
        StreamTableEnvironment tables = tables();
        Map<String, String> options = new HashMap<>();
        options.put("connector", "upsert-millrace");
        options.put("topic", "scores");
        options.put("properties.bootstrap.servers", broker.bootstrap());
        options.put("scan.bounded.mode", "latest-offset");
        options.put("key.format", "millrace-json");
        options.put("key.millrace-json.url", broker.registryUrl());
        options.put("value.format", "millrace-json");
        options.put("value.millrace-json.url", broker.registryUrl());
        SqlTables.create(tables, "scores", "name STRING, points INT, PRIMARY KEY (name) NOT ENFORCED", options);

        // plain inserts into a table with a primary key: the later row of a key wins
        SqlTables.run(tables, "INSERT INTO scores VALUES ('ada', 1), ('grace', 2) ON CONFLICT DO DEDUPLICATE");
        SqlTables.run(tables, "INSERT INTO scores VALUES ('ada', 10) ON CONFLICT DO DEDUPLICATE");

        Map<String, Integer> state = new TreeMap<>();
        for (Row row : SqlTables.rows(tables, "SELECT name, points FROM scores")) {
            if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                state.put((String) row.getField(0), (Integer) row.getField(1));
            } else {
                state.remove((String) row.getField(0));
            }
        }
        assertThat(state).containsExactlyEntriesOf(new TreeMap<>(Map.of("ada", 10, "grace", 2)));
        assertThat(registry().getLatestSchemaMetadata("scores-key").schemaType())
                .isEqualTo("JSON");
    }

    @Test
    void rowsWrittenWithTwoCompatibleSchemaVersionsReadBackThroughEitherVersion() throws Exception {
        Clients.createTopic(broker.bootstrap(), "visits", 2, Map.of());
        StreamTableEnvironment tables = tables();
        SqlTables.create(tables, "visits_v1", "id BIGINT NOT NULL, page STRING", jsonTable("visits"));
        SqlTables.create(tables, "visits_v2", "id BIGINT NOT NULL, page STRING, referrer STRING", jsonTable("visits"));

        SqlTables.run(tables, "INSERT INTO visits_v1 VALUES (1, '/'), (2, '/about')");
        SqlTables.run(tables, "INSERT INTO visits_v2 VALUES (3, '/docs', 'search')");

        assertThat(registry().getLatestSchemaMetadata("visits-value").version())
                .as("the added nullable column registers a compatible second version")
                .isEqualTo(2);
        assertThat(SqlTables.rows(tables, "SELECT id, page, referrer FROM visits_v2"))
                .as("the newer table reads the older rows with the added column NULL")
                .containsExactlyInAnyOrder(
                        Row.of(1L, "/", null), Row.of(2L, "/about", null), Row.of(3L, "/docs", "search"));
        assertThat(SqlTables.rows(tables, "SELECT id, page FROM visits_v1"))
                .as("the older table reads the newer row without the column it does not know")
                .containsExactlyInAnyOrder(Row.of(1L, "/"), Row.of(2L, "/about"), Row.of(3L, "/docs"));
    }

    @Test
    void aRecordNotInTheWireFormatFailsTheQueryNamingItsOffsetOrIsSkippedWithIgnoreParseErrors() throws Exception {
        Clients.createTopic(broker.bootstrap(), "mixed", 1, Map.of());
        StreamTableEnvironment tables = tablesWithoutRestarts();
        SqlTables.create(tables, "mixed", "id BIGINT NOT NULL, page STRING", jsonTable("mixed"));
        Map<String, String> lenient = jsonTable("mixed");
        lenient.put("value.millrace-json.ignore-parse-errors", "true");
        SqlTables.create(tables, "mixed_lenient", "id BIGINT NOT NULL, page STRING", lenient);
        SqlTables.run(tables, "INSERT INTO mixed VALUES (1, '/')");
        Clients.sendText(broker.bootstrap(), "mixed", "{\"id\":2,\"page\":\"/plain\"}");

        assertThatThrownBy(() -> SqlTables.rows(tables, "SELECT id, page FROM mixed"))
                .hasStackTraceContaining("offset 1 of mixed-0")
                .hasStackTraceContaining("Unknown magic byte 123")
                .hasStackTraceContaining("millrace-json reads a magic byte 0 and a 4-byte schema id");
        assertThat(SqlTables.rows(tables, "SELECT id, page FROM mixed_lenient")).containsExactly(Row.of(1L, "/"));
    }

    @Test
    void anOptionTheFormatDoesNotHaveIsRefusedByName() {
        StreamTableEnvironment tables = tables();
        Map<String, String> options = jsonTable("typo");
        options.put("value.millrace-json.subjekt", "typo-value");
        SqlTables.create(tables, "typo", "id BIGINT", options);

        assertThatThrownBy(() -> tables.executeSql("SELECT * FROM typo"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("value.millrace-json.subjekt");
    }

    private static StreamTableEnvironment tables() {
        return StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    /** Tables whose jobs fail at their first error instead of restarting. */
    private static StreamTableEnvironment tablesWithoutRestarts() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment(config));
    }

    /** A bounded millrace table over {@code topic} with registry JSON values and no subject named. */
    private static Map<String, String> jsonTable(String topic) {
        Map<String, String> options = SqlTables.millrace(broker.bootstrap(), topic);
        options.put("scan.bounded.mode", "latest-offset");
        options.put("value.format", "millrace-json");
        options.put("value.millrace-json.url", broker.registryUrl());
        return options;
    }

    /** The JSON after the wire format's header, compact. */
    private static String json(byte[] framed) {
        try {
            return JSON.readTree(Arrays.copyOfRange(framed, WireFormat.HEADER_LENGTH, framed.length))
                    .toString();
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON after the header", e);
        }
    }

    private static CachedSchemaRegistryClient registry() {
        return new CachedSchemaRegistryClient(List.of(broker.registryUrl()), 10);
    }
}
