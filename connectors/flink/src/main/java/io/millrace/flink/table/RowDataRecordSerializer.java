package io.millrace.flink.table;

import io.millrace.flink.sink.MillracePartitioner;
import io.millrace.flink.sink.MillraceRecordSerializationSchema;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a row of a {@code millrace} table into a record of its topic: the key columns through the
 * key format, the value columns through the value format, and the {@code timestamp} and
 * {@code headers} metadata columns into the record's timestamp and headers (without a timestamp
 * column the producer stamps the record, as with Flink's Kafka connector).
 *
 * <p>In upsert mode an insert or update writes the value, and a {@link RowKind#DELETE} (or
 * {@link RowKind#UPDATE_BEFORE}) writes a tombstone: the key with a null value.
 *
 * <p>Serializable with the job; each writer uses its own copy from its task thread.
 */
final class RowDataRecordSerializer implements MillraceRecordSerializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    @Nullable
    private final MillracePartitioner<RowData> partitioner;

    @Nullable
    private final SerializationSchema<RowData> keySchema;

    private final SerializationSchema<RowData> valueSchema;
    private final RowData.FieldGetter[] keyGetters;
    private final RowData.FieldGetter[] valueGetters;
    /** Per {@link WritableMetadata} ordinal, its column in the consumed row, or -1. */
    private final int[] metadataPositions;

    private final boolean upsert;

    RowDataRecordSerializer(
            String topic,
            @Nullable MillracePartitioner<RowData> partitioner,
            @Nullable SerializationSchema<RowData> keySchema,
            SerializationSchema<RowData> valueSchema,
            RowData.FieldGetter[] keyGetters,
            RowData.FieldGetter[] valueGetters,
            int[] metadataPositions,
            boolean upsert) {
        this.topic = topic;
        this.partitioner = partitioner;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.keyGetters = keyGetters;
        this.valueGetters = valueGetters;
        this.metadataPositions = metadataPositions;
        this.upsert = upsert;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, MillraceSinkContext sinkContext)
            throws Exception {
        if (keySchema != null) {
            keySchema.open(context);
        }
        valueSchema.open(context);
        if (partitioner != null) {
            partitioner.open(sinkContext.getParallelInstanceId(), sinkContext.getNumberOfParallelInstances());
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            RowData row, MillraceSinkContext context, @Nullable Long elementTimestamp) {
        byte[] key = keySchema == null ? null : keySchema.serialize(project(row, keyGetters, RowKind.INSERT));
        byte[] value = value(row);
        Integer partition = partitioner == null
                ? null
                : partitioner.partition(row, key, value, topic, context.getPartitionsForTopic(topic));
        @SuppressWarnings("unchecked")
        List<Header> headers = (List<Header>) metadata(row, WritableMetadata.HEADERS);
        return new ProducerRecord<>(
                topic, partition, (Long) metadata(row, WritableMetadata.TIMESTAMP), key, value, headers);
    }

    @Nullable
    private byte[] value(RowData row) {
        RowKind kind = row.getRowKind();
        if (!upsert) {
            return valueSchema.serialize(project(row, valueGetters, kind));
        }
        if (kind == RowKind.DELETE || kind == RowKind.UPDATE_BEFORE) {
            return null;
        }
        // the value format is insert-only: the update is the key's new value
        return valueSchema.serialize(project(row, valueGetters, RowKind.INSERT));
    }

    @Nullable
    private Object metadata(RowData row, WritableMetadata metadata) {
        int position = metadataPositions[metadata.ordinal()];
        if (position < 0 || row.isNullAt(position)) {
            return null;
        }
        return metadata.reader.read(row, position);
    }

    private static RowData project(RowData row, RowData.FieldGetter[] getters, RowKind kind) {
        GenericRowData projected = new GenericRowData(kind, getters.length);
        for (int i = 0; i < getters.length; i++) {
            projected.setField(i, getters[i].getFieldOrNull(row));
        }
        return projected;
    }
}
