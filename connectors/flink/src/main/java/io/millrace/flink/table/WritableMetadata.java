package io.millrace.flink.table;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The metadata columns a {@code millrace} table writes into each record, with the keys and types of
 * Flink's Kafka connector: {@code headers} and {@code timestamp}. A null column writes none.
 */
enum WritableMetadata {
    HEADERS(
            "headers",
            DataTypes.MAP(DataTypes.STRING().nullable(), DataTypes.BYTES().nullable())
                    .nullable(),
            WritableMetadata::headers),
    TIMESTAMP(
            "timestamp",
            DataTypes.TIMESTAMP_WITH_LOCAL_TIME_ZONE(3).nullable(),
            (row, pos) -> row.getTimestamp(pos, 3).getMillisecond());

    final String key;
    final DataType dataType;
    final Reader reader;

    WritableMetadata(String key, DataType dataType, Reader reader) {
        this.key = key;
        this.dataType = dataType;
        this.reader = reader;
    }

    /** The metadata of {@code key}. */
    static WritableMetadata of(String key) {
        for (WritableMetadata metadata : values()) {
            if (metadata.key.equals(key)) {
                return metadata;
            }
        }
        throw new IllegalArgumentException("No writable metadata '" + key + "'");
    }

    /** Headers with a null name are left out: a record header needs a name. */
    private static Object headers(RowData row, int pos) {
        MapData map = row.getMap(pos);
        ArrayData names = map.keyArray();
        ArrayData values = map.valueArray();
        List<Header> headers = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!names.isNullAt(i)) {
                headers.add(new RecordHeader(
                        names.getString(i).toString(), values.isNullAt(i) ? null : values.getBinary(i)));
            }
        }
        return headers;
    }

    /** Reads the column at {@code pos} of a row that is not null there. */
    @FunctionalInterface
    interface Reader extends Serializable {
        Object read(RowData row, int pos);
    }
}
