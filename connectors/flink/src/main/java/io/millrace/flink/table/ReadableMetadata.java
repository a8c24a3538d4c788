package io.millrace.flink.table;

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
    TOPIC("topic", DataTypes.STRING().notNull()),
    PARTITION("partition", DataTypes.INT().notNull()),
    // key and value nullable so queries need no casts
    HEADERS(
            "headers",
            DataTypes.MAP(DataTypes.STRING().nullable(), DataTypes.BYTES().nullable())
                    .notNull()),
    LEADER_EPOCH("leader-epoch", DataTypes.INT().nullable()),
    OFFSET("offset", DataTypes.BIGINT().notNull()),
    TIMESTAMP("timestamp", DataTypes.TIMESTAMP_WITH_LOCAL_TIME_ZONE(3).notNull()),
    TIMESTAMP_TYPE("timestamp-type", DataTypes.STRING().notNull());

    final String key;
    final DataType dataType;

    ReadableMetadata(String key, DataType dataType) {
        this.key = key;
        this.dataType = dataType;
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

    /**
     * The column's value (in Flink's internal data structures) in {@code record}. A switch, not a
     * lambda per constant: the -sql jar relocates kafka-clients, and the shade plugin leaves the
     * method types of such lambdas at the original names.
     */
    Object read(ConsumerRecord<byte[], byte[]> record) {
        return switch (this) {
            case TOPIC -> StringData.fromString(record.topic());
            case PARTITION -> record.partition();
            case HEADERS -> headers(record);
            case LEADER_EPOCH -> record.leaderEpoch().orElse(null);
            case OFFSET -> record.offset();
            case TIMESTAMP -> TimestampData.fromEpochMillis(record.timestamp());
            case TIMESTAMP_TYPE -> StringData.fromString(record.timestampType().toString());
        };
    }

    private static Object headers(ConsumerRecord<byte[], byte[]> record) {
        Map<StringData, byte[]> map = new HashMap<>();
        for (Header header : record.headers()) {
            map.put(StringData.fromString(header.key()), header.value());
        }
        return new GenericMapData(map);
    }
}
