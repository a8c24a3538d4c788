package io.millrace.flink.table;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The metadata columns a {@code millrace} table reads from each record ({@code METADATA FROM 'key'}),
 * with the keys and types of Flink's Kafka connector.
 */
enum ReadableMetadata {
    TOPIC("topic", DataTypes.STRING().notNull(), record -> StringData.fromString(record.topic())),
    PARTITION("partition", DataTypes.INT().notNull(), ConsumerRecord::partition),
    // key and value nullable so queries need no casts
    HEADERS(
            "headers",
            DataTypes.MAP(DataTypes.STRING().nullable(), DataTypes.BYTES().nullable())
                    .notNull(),
            ReadableMetadata::headers),
    LEADER_EPOCH(
            "leader-epoch",
            DataTypes.INT().nullable(),
            record -> record.leaderEpoch().orElse(null)),
    OFFSET("offset", DataTypes.BIGINT().notNull(), ConsumerRecord::offset),
    TIMESTAMP(
            "timestamp",
            DataTypes.TIMESTAMP_WITH_LOCAL_TIME_ZONE(3).notNull(),
            record -> TimestampData.fromEpochMillis(record.timestamp())),
    TIMESTAMP_TYPE(
            "timestamp-type",
            DataTypes.STRING().notNull(),
            record -> StringData.fromString(record.timestampType().toString()));

    final String key;
    final DataType dataType;
    final Reader reader;

    ReadableMetadata(String key, DataType dataType, Reader reader) {
        this.key = key;
        this.dataType = dataType;
        this.reader = reader;
    }

    /** The metadata of {@code key}. */
    static ReadableMetadata of(String key) {
        for (ReadableMetadata metadata : values()) {
            if (metadata.key.equals(key)) {
                return metadata;
            }
        }
        throw new IllegalArgumentException("No readable metadata '" + key + "'");
    }

    private static Object headers(ConsumerRecord<byte[], byte[]> record) {
        Map<StringData, byte[]> map = new HashMap<>();
        for (Header header : record.headers()) {
            map.put(StringData.fromString(header.key()), header.value());
        }
        return new GenericMapData(map);
    }

    /** Reads the column's value (in Flink's internal data structures) from a record. */
    @FunctionalInterface
    interface Reader extends Serializable {
        Object read(ConsumerRecord<byte[], byte[]> record);
    }
}
