package io.millrace.flink.table;

import io.millrace.flink.sink.MillracePartitioner;
import io.millrace.flink.sink.MillraceSink;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.annotation.Nullable;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DataStreamSinkProvider;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.sink.abilities.SupportsWritingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * The sink of a {@code millrace} or {@code upsert-millrace} table: a {@link MillraceSink} whose
 * records the key and value formats make ({@link RowDataRecordSerializer}), with the {@code headers}
 * and {@code timestamp} metadata columns ({@link WritableMetadata}). An upsert sink with
 * {@code sink.buffer-flush.*} set reduces changes by key first ({@link ReducingUpsertOperator}).
 *
 * <p>The planner configures a copy per query through the ability interfaces; not thread-safe.
 */
final class MillraceDynamicSink implements DynamicTableSink, SupportsWritingMetadata {

    private final DataType physicalDataType;

    @Nullable
    private final EncodingFormat<SerializationSchema<RowData>> keyFormat;

    private final EncodingFormat<SerializationSchema<RowData>> valueFormat;
    private final KeyValueProjections projections;
    private final Settings settings;

    private List<String> metadataKeys = List.of();

    /**
     * The sink's settings.
     *
     * @param bufferMaxRows with {@code bufferInterval}, the upsert buffer; 0 for none
     */
    record Settings(
            String topic,
            Properties properties,
            @Nullable MillracePartitioner<RowData> partitioner,
            DeliveryGuarantee deliveryGuarantee,
            @Nullable String transactionalIdPrefix,
            boolean upsert,
            int bufferMaxRows,
            Duration bufferInterval,
            String tableIdentifier,
            @Nullable Integer parallelism) {}

    MillraceDynamicSink(
            DataType physicalDataType,
            @Nullable EncodingFormat<SerializationSchema<RowData>> keyFormat,
            EncodingFormat<SerializationSchema<RowData>> valueFormat,
            KeyValueProjections projections,
            Settings settings) {
        this.physicalDataType = physicalDataType;
        this.keyFormat = keyFormat;
        this.valueFormat = valueFormat;
        this.projections = projections;
        this.settings = settings;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        return valueFormat.getChangelogMode();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        MillraceSink<RowData> sink = sink(context);
        Integer parallelism = settings.parallelism();
        if (!settings.upsert() || settings.bufferMaxRows() <= 0) {
            return SinkV2Provider.of(sink, parallelism);
        }
        return new DataStreamSinkProvider() {
            @Override
            public DataStreamSink<?> consumeDataStream(ProviderContext providerContext, DataStream<RowData> rows) {
                TypeSerializer<RowData> serializer = rows.getType()
                        .createSerializer(rows.getExecutionConfig().getSerializerConfig());
                SingleOutputStreamOperator<RowData> reduced = rows.transform(
                        "MillraceUpsertBuffer-" + settings.tableIdentifier(),
                        rows.getType(),
                        new ReducingUpsertOperator(
                                fieldGetters(projections.key()),
                                settings.bufferMaxRows(),
                                settings.bufferInterval().toMillis(),
                                serializer));
                providerContext.generateUid("millrace-upsert-buffer").ifPresent(reduced::uid);
                DataStreamSink<RowData> end = reduced.sinkTo(sink);
                providerContext.generateUid("millrace-upsert-sink").ifPresent(end::uid);
                // the input's parallelism unless set: a rebalance would reorder the changes of a key
                int buffers = parallelism == null ? rows.getParallelism() : parallelism;
                reduced.setParallelism(buffers);
                end.setParallelism(buffers);
                return end;
            }

            @Override
            public Optional<Integer> getParallelism() {
                // tells the planner to shuffle by key when the input's parallelism differs
                return Optional.ofNullable(parallelism);
            }
        };
    }

    private MillraceSink<RowData> sink(Context context) {
        SerializationSchema<RowData> keySchema = keyFormat == null
                ? null
                : keyFormat.createRuntimeEncoder(context, projections.keyType(physicalDataType));
        SerializationSchema<RowData> valueSchema =
                valueFormat.createRuntimeEncoder(context, projections.valueType(physicalDataType));
        RowDataRecordSerializer serializer = new RowDataRecordSerializer(
                settings.topic(),
                settings.partitioner(),
                keySchema,
                valueSchema,
                fieldGetters(projections.key()),
                fieldGetters(projections.value()),
                metadataPositions(),
                settings.upsert());
        var builder = MillraceSink.<RowData>builder()
                .setKafkaProducerConfig(settings.properties())
                .setDeliveryGuarantee(settings.deliveryGuarantee())
                .setRecordSerializer(serializer);
        if (settings.transactionalIdPrefix() != null) {
            builder.setTransactionalIdPrefix(settings.transactionalIdPrefix());
        }
        try {
            return builder.build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ValidationException(
                    "Table " + settings.tableIdentifier() + " cannot be written: " + e.getMessage(), e);
        }
    }

    private RowData.FieldGetter[] fieldGetters(int[] positions) {
        List<LogicalType> columns = physicalDataType.getLogicalType().getChildren();
        return Arrays.stream(positions)
                .mapToObj(position -> RowData.createFieldGetter(columns.get(position), position))
                .toArray(RowData.FieldGetter[]::new);
    }

    /** Metadata columns follow the physical ones in the consumed row, in the order of {@link #metadataKeys}. */
    private int[] metadataPositions() {
        int physicalArity = DataType.getFieldCount(physicalDataType);
        int[] positions = new int[WritableMetadata.values().length];
        for (WritableMetadata metadata : WritableMetadata.values()) {
            int index = metadataKeys.indexOf(metadata.key);
            positions[metadata.ordinal()] = index < 0 ? -1 : physicalArity + index;
        }
        return positions;
    }

    @Override
    public Map<String, DataType> listWritableMetadata() {
        Map<String, DataType> metadata = new LinkedHashMap<>();
        for (WritableMetadata column : WritableMetadata.values()) {
            metadata.put(column.key, column.dataType);
        }
        return metadata;
    }

    @Override
    public void applyWritableMetadata(List<String> keys, DataType consumedDataType) {
        this.metadataKeys = List.copyOf(keys);
    }

    @Override
    public DynamicTableSink copy() {
        MillraceDynamicSink copy =
                new MillraceDynamicSink(physicalDataType, keyFormat, valueFormat, projections, settings);
        copy.metadataKeys = metadataKeys;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "Millrace table sink";
    }
}
