package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.PROPERTIES_PREFIX;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_TOPIC_PARTITION_DISCOVERY;

import io.millrace.flink.source.MillraceSourceOptions;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.format.Format;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.types.RowKind;

/** What the {@code millrace} and {@code upsert-millrace} table factories share. Stateless. */
final class TableFactorySupport {

    private TableFactorySupport() {}

    /** The table's {@code properties.*} options without the prefix: the Kafka clients' settings. */
    static Properties clientProperties(DynamicTableFactory.Context context) {
        Properties properties = new Properties();
        for (Map.Entry<String, String> option :
                context.getCatalogTable().getOptions().entrySet()) {
            if (option.getKey().startsWith(PROPERTIES_PREFIX)) {
                properties.setProperty(option.getKey().substring(PROPERTIES_PREFIX.length()), option.getValue());
            }
        }
        return properties;
    }

    /** The client settings of a source: {@link #clientProperties} and the partition discovery interval. */
    static Properties sourceProperties(DynamicTableFactory.Context context, ReadableConfig options) {
        Properties properties = clientProperties(context);
        properties.setProperty(
                MillraceSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                Long.toString(options.get(SCAN_TOPIC_PARTITION_DISCOVERY).toMillis()));
        return properties;
    }

    /** Fails unless {@code format} (of {@code option}) only deals with inserts. */
    static void requireInsertOnly(
            Format format, ReadableConfig options, ConfigOption<String> option, String connector) {
        if (!format.getChangelogMode().containsOnly(RowKind.INSERT)) {
            throw new ValidationException("Connector '" + connector + "' cannot use '" + options.get(option)
                    + "' as '" + option.key() + "': it is not insert-only (its changelog mode is "
                    + format.getChangelogMode() + ").");
        }
    }

    /** The name of the table, for errors and operator names. */
    static String tableName(DynamicTableFactory.Context context) {
        return context.getObjectIdentifier().asSummaryString();
    }
}
