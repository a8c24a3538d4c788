package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.DELIVERY_GUARANTEE;
import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FIELDS;
import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FIELDS_PREFIX;
import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FORMAT;
import static io.millrace.flink.table.MillraceConnectorOptions.PROPERTIES_PREFIX;
import static io.millrace.flink.table.MillraceConnectorOptions.PROPS_BOOTSTRAP_SERVERS;
import static io.millrace.flink.table.MillraceConnectorOptions.PROPS_GROUP_ID;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_MODE;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_SPECIFIC_OFFSETS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_TIMESTAMP_MILLIS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_PARALLELISM;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_MODE;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_SPECIFIC_OFFSETS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_TIMESTAMP_MILLIS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_TOPIC_PARTITION_DISCOVERY;
import static io.millrace.flink.table.MillraceConnectorOptions.SINK_PARALLELISM;
import static io.millrace.flink.table.MillraceConnectorOptions.SINK_PARTITIONER;
import static io.millrace.flink.table.MillraceConnectorOptions.STREAM;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC_PATTERN;
import static io.millrace.flink.table.MillraceConnectorOptions.TRANSACTIONAL_ID_PREFIX;
import static io.millrace.flink.table.MillraceConnectorOptions.VALUE_FIELDS_INCLUDE;
import static io.millrace.flink.table.MillraceConnectorOptions.VALUE_FORMAT;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.format.Format;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.FactoryUtil.TableFactoryHelper;
import org.apache.flink.table.factories.SerializationFormatFactory;
import org.apache.flink.types.RowKind;

/**
 * The factory of {@code 'connector' = 'millrace'} tables: append-only tables over Millrace topics,
 * with the options of Flink's {@code kafka} connector ({@link MillraceConnectorOptions}) plus
 * {@code stream}. It checks the options when a query uses the table and fails with a
 * {@link ValidationException} that names the option.
 */
public final class MillraceDynamicTableFactory implements DynamicTableSourceFactory, DynamicTableSinkFactory {

    public static final String IDENTIFIER = "millrace";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PROPS_BOOTSTRAP_SERVERS);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                FactoryUtil.FORMAT,
                KEY_FORMAT,
                KEY_FIELDS,
                KEY_FIELDS_PREFIX,
                VALUE_FORMAT,
                VALUE_FIELDS_INCLUDE,
                TOPIC,
                TOPIC_PATTERN,
                STREAM,
                PROPS_GROUP_ID,
                SCAN_STARTUP_MODE,
                SCAN_STARTUP_SPECIFIC_OFFSETS,
                SCAN_STARTUP_TIMESTAMP_MILLIS,
                SCAN_BOUNDED_MODE,
                SCAN_BOUNDED_SPECIFIC_OFFSETS,
                SCAN_BOUNDED_TIMESTAMP_MILLIS,
                SCAN_TOPIC_PARTITION_DISCOVERY,
                SCAN_PARALLELISM,
                SINK_PARTITIONER,
                SINK_PARALLELISM,
                DELIVERY_GUARANTEE,
                TRANSACTIONAL_ID_PREFIX);
    }

    @Override
    public Set<ConfigOption<?>> forwardOptions() {
        return Set.of(
                PROPS_BOOTSTRAP_SERVERS,
                PROPS_GROUP_ID,
                TOPIC,
                TOPIC_PATTERN,
                STREAM,
                SCAN_STARTUP_MODE,
                SCAN_STARTUP_SPECIFIC_OFFSETS,
                SCAN_STARTUP_TIMESTAMP_MILLIS,
                SCAN_TOPIC_PARTITION_DISCOVERY,
                SCAN_PARALLELISM,
                SINK_PARTITIONER,
                SINK_PARALLELISM,
                TRANSACTIONAL_ID_PREFIX);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context tableContext) {
        Context context = RegistrySubjects.withDefaultSubjects(tableContext);
        TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        ReadableConfig options = helper.getOptions();
        Optional<DecodingFormat<DeserializationSchema<RowData>>> keyFormat =
                helper.discoverOptionalDecodingFormat(DeserializationFormatFactory.class, KEY_FORMAT);
        keyFormat.ifPresent(format -> TableFactorySupport.requireInsertOnly(format, options, KEY_FORMAT, IDENTIFIER));
        DecodingFormat<DeserializationSchema<RowData>> valueFormat = helper.discoverOptionalDecodingFormat(
                        DeserializationFormatFactory.class, FactoryUtil.FORMAT)
                .orElseGet(() -> helper.discoverDecodingFormat(DeserializationFormatFactory.class, VALUE_FORMAT));
        helper.validateExcept(PROPERTIES_PREFIX);
        TableOptionsValidation.validateSourceSubscription(options);
        TableOptionsValidation.validateStartupMode(options);
        TableOptionsValidation.validateBoundedMode(options);
        refusePrimaryKey(context, options, valueFormat);

        Properties properties = TableFactorySupport.sourceProperties(context, options);
        return new MillraceDynamicSource(
                context.getPhysicalRowDataType(),
                keyFormat.orElse(null),
                valueFormat,
                KeyValueProjections.of(options, context.getPhysicalRowDataType()),
                new MillraceDynamicSource.Settings(
                        SourceSubscription.of(options),
                        properties,
                        OffsetsOptions.startingOffsets(options, properties),
                        OffsetsOptions.stoppingOffsets(options),
                        false,
                        TableFactorySupport.tableName(context),
                        options.getOptional(SCAN_PARALLELISM).orElse(null)));
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context tableContext) {
        Context context = RegistrySubjects.withDefaultSubjects(tableContext);
        TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        ReadableConfig options = helper.getOptions();
        Optional<EncodingFormat<SerializationSchema<RowData>>> keyFormat =
                helper.discoverOptionalEncodingFormat(SerializationFormatFactory.class, KEY_FORMAT);
        keyFormat.ifPresent(format -> TableFactorySupport.requireInsertOnly(format, options, KEY_FORMAT, IDENTIFIER));
        EncodingFormat<SerializationSchema<RowData>> valueFormat = helper.discoverOptionalEncodingFormat(
                        SerializationFormatFactory.class, FactoryUtil.FORMAT)
                .orElseGet(() -> helper.discoverEncodingFormat(SerializationFormatFactory.class, VALUE_FORMAT));
        helper.validateExcept(PROPERTIES_PREFIX);
        TableOptionsValidation.validateSinkTopic(options);
        TableOptionsValidation.validateSinkPartitioner(options);
        TableOptionsValidation.validateDeliveryGuarantee(options);
        refusePrimaryKey(context, options, valueFormat);

        return new MillraceDynamicSink(
                context.getPhysicalRowDataType(),
                keyFormat.orElse(null),
                valueFormat,
                KeyValueProjections.of(options, context.getPhysicalRowDataType()),
                new MillraceDynamicSink.Settings(
                        options.get(TOPIC).get(0),
                        TableFactorySupport.clientProperties(context),
                        SinkPartitioners.of(options.get(SINK_PARTITIONER), context.getClassLoader()),
                        options.get(DELIVERY_GUARANTEE),
                        options.getOptional(TRANSACTIONAL_ID_PREFIX).orElse(null),
                        false,
                        0,
                        Duration.ZERO,
                        TableFactorySupport.tableName(context),
                        options.getOptional(SINK_PARALLELISM).orElse(null)));
    }

    /** An append-only table cannot keep a primary key's promise; 'upsert-millrace' can. */
    private static void refusePrimaryKey(Context context, ReadableConfig options, Format valueFormat) {
        if (context.getPrimaryKeyIndexes().length > 0
                && valueFormat.getChangelogMode().containsOnly(RowKind.INSERT)) {
            String format = options.getOptional(FactoryUtil.FORMAT).orElseGet(() -> options.get(VALUE_FORMAT));
            throw new ValidationException("Table " + TableFactorySupport.tableName(context) + " with format '"
                    + format + "' cannot have a PRIMARY KEY: the format is insert-only, so nothing keeps one row per"
                    + " key. Use 'connector' = 'upsert-millrace', or a changelog format.");
        }
    }
}
