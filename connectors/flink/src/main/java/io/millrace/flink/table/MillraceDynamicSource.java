package io.millrace.flink.table;

import io.millrace.flink.source.MillraceSource;
import io.millrace.flink.source.MillraceSourceBuilder;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.IntStream;
import javax.annotation.Nullable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DataStreamScanProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.connector.source.abilities.SupportsWatermarkPushDown;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

/**
 * The source of a {@code millrace} or {@code upsert-millrace} table: a {@link MillraceSource} whose
 * records become rows through the key and value formats ({@link RowDataRecordDeserializer}), with
 * metadata columns ({@link ReadableMetadata}, and the value format's own as {@code value.<key>}) and
 * watermarks pushed into the source. Bounded when {@code scan.bounded.mode} is not
 * {@code unbounded}.
 *
 * <p>The planner configures a copy per query through the ability interfaces; not thread-safe.
 */
final class MillraceDynamicSource implements ScanTableSource, SupportsReadingMetadata, SupportsWatermarkPushDown {

    private static final String VALUE_METADATA_PREFIX = "value.";

    private final DataType physicalDataType;

    @Nullable
    private final DecodingFormat<DeserializationSchema<RowData>> keyFormat;

    private final DecodingFormat<DeserializationSchema<RowData>> valueFormat;
    private final KeyValueProjections projections;
    private final Settings settings;

    private DataType producedDataType;
    private List<String> metadataKeys = List.of();

    @Nullable
    private WatermarkStrategy<RowData> watermarkStrategy;

    /** The source's settings; {@code stoppingOffsets} is null for an unbounded source. */
    record Settings(
            SourceSubscription subscription,
            Properties properties,
            OffsetsInitializer startingOffsets,
            @Nullable OffsetsInitializer stoppingOffsets,
            boolean upsert,
            String tableIdentifier,
            @Nullable Integer parallelism) {}

    MillraceDynamicSource(
            DataType physicalDataType,
            @Nullable DecodingFormat<DeserializationSchema<RowData>> keyFormat,
            DecodingFormat<DeserializationSchema<RowData>> valueFormat,
            KeyValueProjections projections,
            Settings settings) {
        this.physicalDataType = physicalDataType;
        this.keyFormat = keyFormat;
        this.valueFormat = valueFormat;
        this.projections = projections;
        this.settings = settings;
        this.producedDataType = physicalDataType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return valueFormat.getChangelogMode();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        MillraceSource<RowData> source = source(context);
        return new DataStreamScanProvider() {
            @Override
            public DataStream<RowData> produceDataStream(
                    ProviderContext providerContext, StreamExecutionEnvironment env) {
                DataStreamSource<RowData> stream = env.fromSource(
                        source,
                        watermarkStrategy == null ? WatermarkStrategy.noWatermarks() : watermarkStrategy,
                        "MillraceSource-" + settings.tableIdentifier());
                providerContext.generateUid("millrace-source").ifPresent(stream::uid);
                return stream;
            }

            @Override
            public boolean isBounded() {
                return source.getBoundedness() == Boundedness.BOUNDED;
            }

            @Override
            public Optional<Integer> getParallelism() {
                return Optional.ofNullable(settings.parallelism());
            }
        };
    }

    private MillraceSource<RowData> source(ScanContext context) {
        DeserializationSchema<RowData> keySchema = keyFormat == null
                ? null
                : keyFormat.createRuntimeDecoder(context, projections.keyType(physicalDataType));
        DeserializationSchema<RowData> valueSchema =
                valueFormat.createRuntimeDecoder(context, projections.valueType(physicalDataType));
        // the value format's metadata columns follow the physical ones, before the connector's
        int physicalArity = DataType.getFieldCount(producedDataType) - metadataKeys.size();
        int[] valueProjection = IntStream.concat(
                        IntStream.of(projections.value()),
                        IntStream.range(DataType.getFieldCount(physicalDataType), physicalArity))
                .toArray();
        RowDataRecordDeserializer deserializer = new RowDataRecordDeserializer(
                keySchema,
                valueSchema,
                projections.key(),
                valueProjection,
                metadataKeys.stream().map(ReadableMetadata::of).toArray(ReadableMetadata[]::new),
                physicalArity,
                settings.upsert(),
                context.createTypeInformation(producedDataType));
        MillraceSourceBuilder<RowData> builder = MillraceSource.<RowData>builder()
                .setProperties(settings.properties())
                .setStartingOffsets(settings.startingOffsets())
                .setDeserializer(deserializer);
        settings.subscription().applyTo(builder);
        if (settings.stoppingOffsets() != null) {
            builder.setBounded(settings.stoppingOffsets());
        }
        try {
            return builder.build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ValidationException(
                    "Table " + settings.tableIdentifier() + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        // the value format's metadata first: it wins when both have a key
        Map<String, DataType> metadata = new LinkedHashMap<>();
        valueFormat.listReadableMetadata().forEach((key, type) -> metadata.put(VALUE_METADATA_PREFIX + key, type));
        for (ReadableMetadata column : ReadableMetadata.values()) {
            metadata.putIfAbsent(column.key, column.dataType);
        }
        return metadata;
    }

    @Override
    public void applyReadableMetadata(List<String> keys, DataType producedDataType) {
        List<String> formatKeys = new ArrayList<>();
        List<String> connectorKeys = new ArrayList<>();
        for (String key : keys) {
            if (key.startsWith(VALUE_METADATA_PREFIX)) {
                formatKeys.add(key.substring(VALUE_METADATA_PREFIX.length()));
            } else {
                connectorKeys.add(key);
            }
        }
        if (!valueFormat.listReadableMetadata().isEmpty()) {
            valueFormat.applyReadableMetadata(formatKeys);
        }
        this.metadataKeys = List.copyOf(connectorKeys);
        this.producedDataType = producedDataType;
    }

    @Override
    public boolean supportsMetadataProjection() {
        return false;
    }

    @Override
    public void applyWatermark(WatermarkStrategy<RowData> watermarkStrategy) {
        this.watermarkStrategy = watermarkStrategy;
    }

    @Override
    public DynamicTableSource copy() {
        MillraceDynamicSource copy =
                new MillraceDynamicSource(physicalDataType, keyFormat, valueFormat, projections, settings);
        copy.producedDataType = producedDataType;
        copy.metadataKeys = metadataKeys;
        copy.watermarkStrategy = watermarkStrategy;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "Millrace table source";
    }
}
