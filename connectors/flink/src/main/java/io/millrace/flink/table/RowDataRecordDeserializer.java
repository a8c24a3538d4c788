package io.millrace.flink.table;

import io.millrace.flink.source.reader.deserializer.MillraceRecordDeserializationSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a record into the rows of a {@code millrace} table: the key format's row fills the key
 * columns, each row of the value format fills the value columns (and the value format's metadata
 * columns after the physical ones), and the connector's metadata columns come last. A key that
 * decodes to several rows gives their cartesian product with the values, one that decodes to none
 * gives no rows.
 *
 * <p>In upsert mode a record without a value (a tombstone) is a {@link RowKind#DELETE} row with only
 * the key columns set; otherwise a record without a value is skipped (the value format yields
 * nothing for it). A null a format hands over for a record it skips (such as flink-json's
 * {@code ignore-parse-errors}) is dropped, never taken for a deletion.
 *
 * <p>Serializable with the job; each reader uses its own copy from its task thread.
 */
final class RowDataRecordDeserializer implements MillraceRecordDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    @Nullable
    private final DeserializationSchema<RowData> keySchema;

    private final DeserializationSchema<RowData> valueSchema;
    private final int[] keyProjection;
    private final int[] valueProjection;
    private final ReadableMetadata[] metadata;
    private final int physicalArity;
    private final boolean upsert;
    private final TypeInformation<RowData> producedType;

    private transient List<RowData> keyRows;
    private transient List<RowData> valueRows;
    private transient NonNullCollector<RowData> keyCollector;
    private transient NonNullCollector<RowData> valueCollector;
    private transient NonNullCollector<RowData> passThrough;

    /**
     * @param physicalArity the produced row's columns before the connector's metadata
     * @param valueProjection where each column of the value format's rows goes
     */
    RowDataRecordDeserializer(
            @Nullable DeserializationSchema<RowData> keySchema,
            DeserializationSchema<RowData> valueSchema,
            int[] keyProjection,
            int[] valueProjection,
            ReadableMetadata[] metadata,
            int physicalArity,
            boolean upsert,
            TypeInformation<RowData> producedType) {
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.keyProjection = keyProjection;
        this.valueProjection = valueProjection;
        this.metadata = metadata;
        this.physicalArity = physicalArity;
        this.upsert = upsert;
        this.producedType = producedType;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        if (keySchema != null) {
            keySchema.open(context);
        }
        valueSchema.open(context);
        keyRows = new ArrayList<>();
        valueRows = new ArrayList<>();
        keyCollector = new NonNullCollector<>();
        keyCollector.target = new ListCollector<>(keyRows);
        valueCollector = new NonNullCollector<>();
        valueCollector.target = new ListCollector<>(valueRows);
        passThrough = new NonNullCollector<>();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RowData> out) throws IOException {
        if (keySchema == null && metadata.length == 0 && !upsert) {
            passThrough.target = out;
            valueSchema.deserialize(record.value(), passThrough);
            return;
        }
        keyRows.clear();
        valueRows.clear();
        if (keySchema == null) {
            keyRows.add(null);
        } else {
            keySchema.deserialize(record.key(), keyCollector);
        }
        if (record.value() == null && upsert) {
            valueRows.add(null);
        } else {
            valueSchema.deserialize(record.value(), valueCollector);
        }
        for (RowData key : keyRows) {
            for (RowData value : valueRows) {
                out.collect(row(record, key, value));
            }
        }
    }

    private GenericRowData row(ConsumerRecord<byte[], byte[]> record, @Nullable RowData key, @Nullable RowData value) {
        RowKind kind = value == null ? RowKind.DELETE : value.getRowKind();
        GenericRowData row = new GenericRowData(kind, physicalArity + metadata.length);
        if (key != null) {
            copy(key, keyProjection, row);
        }
        if (value != null) {
            copy(value, valueProjection, row);
        }
        for (int i = 0; i < metadata.length; i++) {
            row.setField(physicalArity + i, metadata[i].read(record));
        }
        return row;
    }

    /** Formats produce {@link GenericRowData}, as Flink's Kafka connector relies on too. */
    private static void copy(RowData from, int[] positions, GenericRowData to) {
        GenericRowData source = (GenericRowData) from;
        for (int i = 0; i < positions.length; i++) {
            to.setField(positions[i], source.getField(i));
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }

    /** Hands rows on to its target and drops the nulls a format emits for records it skips. */
    private static final class NonNullCollector<T> implements Collector<T> {

        private Collector<T> target;

        @Override
        public void collect(T row) {
            if (row != null) {
                target.collect(row);
            }
        }

        @Override
        public void close() {
            target.close();
        }
    }
}
