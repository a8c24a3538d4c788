package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.DELIVERY_GUARANTEE;
import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FIELDS_PREFIX;
import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FORMAT;
import static io.millrace.flink.table.MillraceConnectorOptions.PROPERTIES_PREFIX;
import static io.millrace.flink.table.MillraceConnectorOptions.PROPS_BOOTSTRAP_SERVERS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_MODE;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_SPECIFIC_OFFSETS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_TIMESTAMP_MILLIS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_PARALLELISM;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_TOPIC_PARTITION_DISCOVERY;
import static io.millrace.flink.table.MillraceConnectorOptions.SINK_BUFFER_FLUSH_INTERVAL;
import static io.millrace.flink.table.MillraceConnectorOptions.SINK_BUFFER_FLUSH_MAX_ROWS;
import static io.millrace.flink.table.MillraceConnectorOptions.SINK_PARALLELISM;
import static io.millrace.flink.table.MillraceConnectorOptions.STREAM;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC_PATTERN;
import static io.millrace.flink.table.MillraceConnectorOptions.TRANSACTIONAL_ID_PREFIX;
import static io.millrace.flink.table.MillraceConnectorOptions.VALUE_FIELDS_INCLUDE;
import static io.millrace.flink.table.MillraceConnectorOptions.VALUE_FORMAT;

import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.FactoryUtil.TableFactoryHelper;
import org.apache.flink.table.factories.SerializationFormatFactory;

/**
 * The factory of {@code 'connector' = 'upsert-millrace'} tables: changelog tables over a compacted
 * topic, with the options and rules of Flink's {@code upsert-kafka} connector. The PRIMARY KEY
 * (required) is the record key; a record's value is the key's latest row and a null value (a
 * tombstone) deletes the key. A source always reads from the earliest offset, so it sees every
 * key's latest state; a sink writes updates as values and deletes as tombstones, optionally
 * reducing changes by key first ({@code sink.buffer-flush.*}). Key and value formats must be
 * insert-only formats.
 */
public final class UpsertMillraceDynamicTableFactory implements DynamicTableSourceFactory, DynamicTableSinkFactory {

    public static final String IDENTIFIER = "upsert-millrace";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PROPS_BOOTSTRAP_SERVERS, KEY_FORMAT, VALUE_FORMAT);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                TOPIC,
                TOPIC_PATTERN,
                STREAM,
                KEY_FIELDS_PREFIX,
                VALUE_FIELDS_INCLUDE,
                SCAN_BOUNDED_MODE,
                SCAN_BOUNDED_SPECIFIC_OFFSETS,
                SCAN_BOUNDED_TIMESTAMP_MILLIS,
                SCAN_TOPIC_PARTITION_DISCOVERY,
                SCAN_PARALLELISM,
                SINK_PARALLELISM,
                SINK_BUFFER_FLUSH_MAX_ROWS,
                SINK_BUFFER_FLUSH_INTERVAL,
                DELIVERY_GUARANTEE,
                TRANSACTIONAL_ID_PREFIX);
    }

    @Override
    public Set<ConfigOption<?>> forwardOptions() {
        return Set.of(DELIVERY_GUARANTEE, TRANSACTIONAL_ID_PREFIX);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context tableContext) {
        Context context = RegistrySubjects.withDefaultSubjects(tableContext);
        TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        ReadableConfig options = helper.getOptions();
        DecodingFormat<DeserializationSchema<RowData>> keyFormat =
                helper.discoverDecodingFormat(DeserializationFormatFactory.class, KEY_FORMAT);
        DecodingFormat<DeserializationSchema<RowData>> valueFormat =
                helper.discoverDecodingFormat(DeserializationFormatFactory.class, VALUE_FORMAT);
        helper.validateExcept(PROPERTIES_PREFIX);
        TableOptionsValidation.validateSourceSubscription(options);
        TableOptionsValidation.validateBoundedMode(options);
        TableFactorySupport.requireInsertOnly(keyFormat, options, KEY_FORMAT, IDENTIFIER);
        TableFactorySupport.requireInsertOnly(valueFormat, options, VALUE_FORMAT, IDENTIFIER);

        return new MillraceDynamicSource(
                context.getPhysicalRowDataType(),
                keyFormat,
                UpsertFormats.decoding(valueFormat),
                projections(context, options),
                new MillraceDynamicSource.Settings(
                        SourceSubscription.of(options),
                        TableFactorySupport.sourceProperties(context, options),
                        // every key's latest state is somewhere in the log
                        OffsetsInitializer.earliest(),
                        OffsetsOptions.stoppingOffsets(options),
                        true,
                        TableFactorySupport.tableName(context),
                        options.getOptional(SCAN_PARALLELISM).orElse(null)));
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context tableContext) {
        Context context = RegistrySubjects.withDefaultSubjects(tableContext);
        TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        ReadableConfig options = helper.getOptions();
        EncodingFormat<SerializationSchema<RowData>> keyFormat =
                helper.discoverEncodingFormat(SerializationFormatFactory.class, KEY_FORMAT);
        EncodingFormat<SerializationSchema<RowData>> valueFormat =
                helper.discoverEncodingFormat(SerializationFormatFactory.class, VALUE_FORMAT);
        helper.validateExcept(PROPERTIES_PREFIX);
        TableOptionsValidation.validateSinkTopic(options);
        TableOptionsValidation.validateDeliveryGuarantee(options);
        TableOptionsValidation.validateBufferFlush(options);
        TableFactorySupport.requireInsertOnly(keyFormat, options, KEY_FORMAT, IDENTIFIER);
        TableFactorySupport.requireInsertOnly(valueFormat, options, VALUE_FORMAT, IDENTIFIER);

        return new MillraceDynamicSink(
                context.getPhysicalRowDataType(),
                keyFormat,
                UpsertFormats.encoding(valueFormat),
                projections(context, options),
                new MillraceDynamicSink.Settings(
                        options.get(TOPIC).get(0),
                        TableFactorySupport.clientProperties(context),
                        // the producer partitions by key, so all changes of a key stay in order
                        null,
                        options.get(DELIVERY_GUARANTEE),
                        options.getOptional(TRANSACTIONAL_ID_PREFIX).orElse(null),
                        true,
                        options.get(SINK_BUFFER_FLUSH_MAX_ROWS),
                        options.get(SINK_BUFFER_FLUSH_INTERVAL),
                        TableFactorySupport.tableName(context),
                        options.getOptional(SINK_PARALLELISM).orElse(null)));
    }

    /** The primary key is the record key. */
    private static KeyValueProjections projections(Context context, ReadableConfig options) {
        List<String> keyColumns = context.getCatalogTable()
                .getResolvedSchema()
                .getPrimaryKey()
                .map(UniqueConstraint::getColumns)
                .orElseThrow(() -> new ValidationException("Table " + TableFactorySupport.tableName(context)
                        + ": 'upsert-millrace' tables need a PRIMARY KEY: its columns are the record key, and"
                        + " the rows of a key update or delete each other."));
        return KeyValueProjections.of(options, context.getPhysicalRowDataType(), keyColumns);
    }
}
