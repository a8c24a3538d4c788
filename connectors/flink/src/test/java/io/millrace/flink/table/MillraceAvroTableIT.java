package io.millrace.flink.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.source.FlinkTestClusters;
import io.millrace.schema.client.CachedSchemaRegistryClient;
import io.millrace.schema.client.SchemaMetadata;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code 'value.format' = 'millrace-avro'} through SQL against a broker running its schema
 * registry: rows written by two versions of a table (the second adds a nullable column) register
 * two compatible versions of the default subject {@code <topic>-value}, and each version of the
 * table reads every row, by the writer's schema id resolved to its own schema.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MillraceAvroTableIT {

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @RegisterExtension
    static final MiniClusterExtension flink = FlinkTestClusters.extension();

    @Test
    void rowsWrittenWithTwoCompatibleSchemaVersionsReadBackThroughEitherVersion() throws Exception {
        Clients.createTopic(broker.bootstrap(), "payments", 2, Map.of());
        StreamTableEnvironment tables =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
        SqlTables.create(tables, "payments_v1", "id BIGINT NOT NULL, payer STRING", avroTable());
        SqlTables.create(tables, "payments_v2", "id BIGINT NOT NULL, payer STRING, email STRING", avroTable());

        SqlTables.run(tables, "INSERT INTO payments_v1 VALUES (1, 'ada'), (2, 'grace')");
        SchemaMetadata first = registry().getLatestSchemaMetadata("payments-value");
        SqlTables.run(tables, "INSERT INTO payments_v2 VALUES (3, 'edsger', 'ed@example.org')");
        SchemaMetadata second = registry().getLatestSchemaMetadata("payments-value");

        assertThat(List.of(first.version(), second.version()))
                .as("versions of the default subject payments-value")
                .containsExactly(1, 2);
        assertThat(SqlTables.rows(tables, "SELECT id, payer, email FROM payments_v2"))
                .as("the newer table reads the older rows with the added column NULL")
                .containsExactlyInAnyOrder(
                        Row.of(1L, "ada", null), Row.of(2L, "grace", null), Row.of(3L, "edsger", "ed@example.org"));
        assertThat(SqlTables.rows(tables, "SELECT id, payer FROM payments_v1"))
                .as("the older table reads the newer row without the column it does not know")
                .containsExactlyInAnyOrder(Row.of(1L, "ada"), Row.of(2L, "grace"), Row.of(3L, "edsger"));
    }

    /** A bounded millrace table over 'payments' with registry Avro values and no subject named. */
    private static Map<String, String> avroTable() {
        Map<String, String> options = SqlTables.millrace(broker.bootstrap(), "payments");
        options.put("scan.bounded.mode", "latest-offset");
        options.put("value.format", "millrace-avro");
        options.put("value.millrace-avro.url", broker.registryUrl());
        return options;
    }

    private static CachedSchemaRegistryClient registry() {
        return new CachedSchemaRegistryClient(List.of(broker.registryUrl()), 10);
    }
}
