package io.millrace.flink;

import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * A SQL job as a SQL-client user writes it, run on a classpath of Flink and the connector's
 * {@code -sql} jar only ({@link SqlJarIT}): {@code <bootstrap> <registry url> <input topic>
 * <output topic>}. It copies json rows into a table with {@code millrace-json} keys and
 * {@code millrace-avro} values and reads them back.
 * Prints {@code ABSENT <class>} for each library that must come only relocated, {@code ROW <row>}
 * per row read back, then {@code DONE}. Uses nothing but Flink and the JDK.
 */
public final class SqlJarMain {

    private SqlJarMain() {}

    public static void main(String[] args) throws Exception {
        for (String name : new String[] {
            "org.apache.kafka.clients.consumer.KafkaConsumer",
            "org.apache.avro.Schema",
            "com.fasterxml.jackson.databind.ObjectMapper"
        }) {
            try {
                Class.forName(name);
            } catch (ClassNotFoundException e) {
                System.out.println("ABSENT " + name);
            }
        }
        String bootstrap = args[0];
        String registry = args[1];
        TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.executeSql("CREATE TABLE orders (name STRING, amount INT) WITH ('connector' = 'millrace', 'topic' = '"
                + args[2] + "', 'properties.bootstrap.servers' = '" + bootstrap
                + "', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',"
                + " 'value.format' = 'json')");
        tables.executeSql("CREATE TABLE doubled (name STRING, amount INT) WITH ('connector' = 'millrace', 'topic' = '"
                + args[3] + "', 'properties.bootstrap.servers' = '" + bootstrap
                + "', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',"
                + " 'key.format' = 'millrace-json', 'key.millrace-json.url' = '" + registry
                + "', 'key.fields' = 'name',"
                + " 'value.format' = 'millrace-avro', 'value.millrace-avro.url' = '" + registry + "')");
        tables.executeSql("INSERT INTO doubled SELECT name, amount * 2 FROM orders")
                .await(2, TimeUnit.MINUTES);
        try (CloseableIterator<Row> rows =
                tables.executeSql("SELECT name, amount FROM doubled").collect()) {
            rows.forEachRemaining(row -> System.out.println("ROW " + row.getField(0) + "=" + row.getField(1)));
        }
        System.out.println("DONE");
    }
}
