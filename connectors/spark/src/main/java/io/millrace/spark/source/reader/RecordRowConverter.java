package io.millrace.spark.source.reader;

import io.millrace.spark.avro.SourceColumnFormats;
import io.millrace.spark.source.RecordSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns a consumed record into a row of {@link RecordSchema}: key and value as their formats
 * decode them, the timestamp in microseconds, the
 * timestamp type as Kafka's id, headers as null when the record has none. Rows are unsafe rows,
 * as Spark's operators expect; the returned row is reused by the next call. Not thread-safe: one
 * per reader.
 */
final class RecordRowConverter {

    private final boolean includeHeaders;
    private final SourceColumnFormats formats;
    private final UnsafeProjection projection;

    RecordRowConverter(boolean includeHeaders, SourceColumnFormats formats) {
        this.includeHeaders = includeHeaders;
        this.formats = formats;
        this.projection = UnsafeProjection.create(RecordSchema.of(includeHeaders, formats));
    }

    InternalRow toRow(ConsumerRecord<byte[], byte[]> record) {
        Object[] values = new Object[includeHeaders ? 8 : 7];
        values[0] = formats.key(record.key());
        values[1] = formats.value(record.value());
        values[2] = UTF8String.fromString(record.topic());
        values[3] = record.partition();
        values[4] = record.offset();
        values[5] = record.timestamp() * 1000L;
        values[6] = record.timestampType().id;
        if (includeHeaders) {
            values[7] = headers(record);
        }
        return projection.apply(new GenericInternalRow(values));
    }

    private static GenericArrayData headers(ConsumerRecord<byte[], byte[]> record) {
        List<Object> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new GenericInternalRow(new Object[] {UTF8String.fromString(header.key()), header.value()}));
        }
        return headers.isEmpty() ? null : new GenericArrayData(headers.toArray());
    }
}
