package io.millrace.spark.sink;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/**
 * Makes the write tasks of a streaming query's batches, on the executors: transactional ones with the
 * id {@code <transactionalIdBase>-<partition>} in exactly-once mode, plain ones otherwise. A batch the
 * driver recorded as committed before the query (re)started ({@code epoch <= lastRecordedBatch}) is
 * being executed again: its tasks write nothing. Immutable.
 */
final class WriterFactory implements StreamingDataWriterFactory {

    private static final long serialVersionUID = 1L;

    private final SinkOptions options;
    private final RecordColumns columns;
    private final String transactionalIdBase;
    private final long lastRecordedBatch;

    private WriterFactory(SinkOptions options, RecordColumns columns, String transactionalIdBase, long lastRecorded) {
        this.options = options;
        this.columns = columns;
        this.transactionalIdBase = transactionalIdBase;
        this.lastRecordedBatch = lastRecorded;
    }

    static WriterFactory atLeastOnce(SinkOptions options, RecordColumns columns) {
        return new WriterFactory(options, columns, null, -1);
    }

    static WriterFactory exactlyOnce(
            SinkOptions options, RecordColumns columns, String transactionalIdBase, long lastRecordedBatch) {
        return new WriterFactory(options, columns, transactionalIdBase, lastRecordedBatch);
    }

    @Override
    public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
        if (transactionalIdBase == null) {
            return new PlainDataWriter(options, columns);
        }
        if (epochId <= lastRecordedBatch) {
            return new DiscardingDataWriter();
        }
        return new TransactionalDataWriter(options, columns, TransactionalIds.of(transactionalIdBase, partitionId));
    }

    /** The task of a batch already committed: it reads its rows and writes none. */
    private static final class DiscardingDataWriter implements DataWriter<InternalRow> {

        @Override
        public void write(InternalRow row) {}

        @Override
        public TaskTransaction commit() {
            return TaskTransaction.NONE;
        }

        @Override
        public void abort() {}

        @Override
        public void close() {}
    }
}
