package io.millrace.flink.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/** SQL for the table connector's tests: table definitions and the rows of bounded queries. */
final class SqlTables {

    private SqlTables() {}

    /** The options of a {@code millrace} table over {@code topic} with json values, read from the start. */
    static Map<String, String> millrace(String bootstrap, String topic) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "millrace");
        options.put("topic", topic);
        options.put("properties.bootstrap.servers", bootstrap);
        options.put("scan.startup.mode", "earliest-offset");
        options.put("value.format", "json");
        return options;
    }

    /** {@code CREATE TABLE name (columns) WITH (options)}. */
    static void create(TableEnvironment tables, String name, String columns, Map<String, String> options) {
        tables.executeSql("CREATE TABLE " + name + " (" + columns + ") WITH (" + with(options) + ")");
    }

    /** The {@code WITH} clause's body. */
    static String with(Map<String, String> options) {
        return options.entrySet().stream()
                .map(e -> "'" + e.getKey() + "' = '" + e.getValue() + "'")
                .collect(Collectors.joining(", "));
    }

    /** Runs a statement (an INSERT) to its end. */
    static void run(TableEnvironment tables, String sql) throws Exception {
        tables.executeSql(sql).await(2, TimeUnit.MINUTES);
    }

    /** Every row of a bounded query, with its kind. */
    static List<Row> rows(TableEnvironment tables, String query) throws Exception {
        TableResult result = tables.executeSql(query);
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> iterator = result.collect()) {
            iterator.forEachRemaining(rows::add);
        }
        return rows;
    }
}
