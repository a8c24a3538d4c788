package io.millrace.flink.table;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.RowKind;

/**
 * The value formats of an {@code upsert-millrace} table: an insert-only format whose records the
 * connector reads as upserts by key (a null value deleting the key) and writes from updates and
 * deletes, so the table's changelog mode is the connector's, not the format's. Immutable.
 */
final class UpsertFormats {

    /** What an upsert source produces: the latest value of a key, or its deletion. */
    static final ChangelogMode SOURCE_MODE = ChangelogMode.newBuilder()
            .addContainedKind(RowKind.UPDATE_AFTER)
            .addContainedKind(RowKind.DELETE)
            .build();

    /** What an upsert sink takes: no update-before rows, the key says what a row replaces. */
    static final ChangelogMode SINK_MODE = ChangelogMode.newBuilder()
            .addContainedKind(RowKind.INSERT)
            .addContainedKind(RowKind.UPDATE_AFTER)
            .addContainedKind(RowKind.DELETE)
            .build();

    private UpsertFormats() {}

    static DecodingFormat<DeserializationSchema<RowData>> decoding(
            DecodingFormat<DeserializationSchema<RowData>> format) {
        return new DecodingFormat<>() {
            @Override
            public DeserializationSchema<RowData> createRuntimeDecoder(
                    DynamicTableSource.Context context, DataType producedDataType) {
                return format.createRuntimeDecoder(context, producedDataType);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return SOURCE_MODE;
            }
        };
    }

    static EncodingFormat<SerializationSchema<RowData>> encoding(EncodingFormat<SerializationSchema<RowData>> format) {
        return new EncodingFormat<>() {
            @Override
            public SerializationSchema<RowData> createRuntimeEncoder(
                    DynamicTableSink.Context context, DataType consumedDataType) {
                return format.createRuntimeEncoder(context, consumedDataType);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return SINK_MODE;
            }
        };
    }
}
