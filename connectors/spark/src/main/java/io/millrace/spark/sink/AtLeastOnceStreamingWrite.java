package io.millrace.spark.sink;

import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;

/**
 * The driver's side of the at-least-once sink: nothing to do, each task's rows are in the broker
 * when the task commits. Immutable.
 */
final class AtLeastOnceStreamingWrite implements StreamingWrite {

    private final SinkOptions options;
    private final RecordColumns columns;

    AtLeastOnceStreamingWrite(SinkOptions options, RecordColumns columns) {
        this.options = options;
        this.columns = columns;
    }

    @Override
    public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
        return WriterFactory.atLeastOnce(options, columns);
    }

    @Override
    public void commit(long epochId, WriterCommitMessage[] messages) {}

    @Override
    public void abort(long epochId, WriterCommitMessage[] messages) {}
}
