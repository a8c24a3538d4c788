package io.millrace.flink.source.reader;

import javax.annotation.Nullable;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One element handed from the fetcher thread to the reader: a record and the offset to resume at
 * after it, or only a new resume offset when the consumer moved past offsets that hold no record
 * for this reader (transaction markers, aborted or compacted-away records).
 *
 * <p>Mutable and reused: {@link FetchedRecords} hands out the same instance for every element of a
 * batch, and the reader emits each element before it asks for the next one.
 */
@Internal
public final class FetchedRecord {

    @Nullable
    private ConsumerRecord<byte[], byte[]> record;

    private long nextOffset;

    void set(@Nullable ConsumerRecord<byte[], byte[]> record, long nextOffset) {
        this.record = record;
        this.nextOffset = nextOffset;
    }

    /** The record, or {@code null} when this element only moves the position. */
    @Nullable
    public ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    /** The offset to resume reading at once this element is emitted. */
    public long nextOffset() {
        return nextOffset;
    }

    @Override
    public String toString() {
        return record == null ? "position " + nextOffset : record + ", next " + nextOffset;
    }
}
