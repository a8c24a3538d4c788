package io.millrace.flink.source.reader;

import io.millrace.flink.source.reader.deserializer.MillraceRecordDeserializationSchema;
import io.millrace.flink.source.split.MillraceSplitState;
import java.io.IOException;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Emits a fetched record's elements with the record's timestamp, then moves the split's position
 * to the element's resume offset. A position-only element emits nothing; the reader base counted
 * it in {@code numRecordsIn}, so it is taken back out.
 *
 * <p>Not thread-safe: used by the reader's task thread only; it reuses one collector.
 */
final class MillraceRecordEmitter<T> implements RecordEmitter<FetchedRecord, T, MillraceSplitState> {

    private final MillraceRecordDeserializationSchema<T> deserializer;
    private final MillraceSourceReaderMetrics metrics;
    private final Counter recordsIn;
    private final TimestampedCollector<T> collector = new TimestampedCollector<>();

    MillraceRecordEmitter(
            MillraceRecordDeserializationSchema<T> deserializer,
            MillraceSourceReaderMetrics metrics,
            Counter recordsIn) {
        this.deserializer = deserializer;
        this.metrics = metrics;
        this.recordsIn = recordsIn;
    }

    @Override
    public void emitRecord(FetchedRecord element, SourceOutput<T> output, MillraceSplitState state) throws IOException {
        ConsumerRecord<byte[], byte[]> record = element.record();
        if (record == null) {
            recordsIn.dec();
        } else {
            metrics.recordBytesIn(Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize()));
            collector.output = output;
            collector.timestamp = record.timestamp();
            try {
                deserializer.deserialize(record, collector);
            } catch (IOException | RuntimeException e) {
                throw new IOException(
                        "Failed to deserialize the record at offset " + record.offset() + " of " + record.topic() + "-"
                                + record.partition(),
                        e);
            }
        }
        state.advanceTo(element.nextOffset());
        metrics.recordCurrentOffset(state.initialSplit().partition(), state.nextOffset());
    }

    /** Hands elements to the split's output with the record's timestamp. */
    private static final class TimestampedCollector<T> implements Collector<T> {
        SourceOutput<T> output;
        long timestamp;

        @Override
        public void collect(T element) {
            output.collect(element, timestamp);
        }

        @Override
        public void close() {}
    }
}
