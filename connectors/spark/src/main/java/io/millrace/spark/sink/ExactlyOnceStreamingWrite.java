package io.millrace.spark.sink;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the exactly-once sink for one run of a streaming query (README "Exactly-once
 * writes"). When the run starts it finishes what the previous run left: it commits the
 * transactions of the last batch recorded in the commit log if they are not committed yet, and
 * aborts every other open transaction of the query. Tasks of batches up to the recorded one write
 * nothing (the batch is being executed again). For a new batch it records the tasks' transactions
 * in the commit log, commits them, and records that they are committed. Used by the query's thread.
 */
final class ExactlyOnceStreamingWrite implements StreamingWrite {

    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceStreamingWrite.class);
    /**
     * The driver's write of each query's current run, by query id. Spark makes a new {@link
     * MillraceWrite} for every micro-batch it plans; the run's recovery must happen once, not
     * before every batch (it reads the commit log and lists transactions).
     */
    private static final ConcurrentMap<String, Run> RUNS = new ConcurrentHashMap<>();

    private final SinkOptions options;
    private final RecordColumns columns;
    private final String queryId;
    private final String transactionalIdBase;
    private final CommitLog commitLog;
    private final long lastRecordedBatch;

    private ExactlyOnceStreamingWrite(SinkOptions options, RecordColumns columns, String queryId, long lastRecorded) {
        this.options = options;
        this.columns = columns;
        this.queryId = queryId;
        this.transactionalIdBase = TransactionalIds.base(options.transactionalIdPrefix(), queryId);
        this.commitLog = new CommitLog(options);
        this.lastRecordedBatch = lastRecorded;
    }

    /**
     * The write of run {@code runId} of query {@code queryId} (Spark's id, kept in the checkpoint):
     * the first call of a run derives the columns and recovers what earlier runs left, later ones
     * get the same write. A null {@code runId} (not called from a query's thread) starts anew every
     * time. Only the query's own thread asks for its query id, so no two calls race for one entry;
     * the recovery's I/O runs outside the map.
     */
    static ExactlyOnceStreamingWrite forRun(
            SinkOptions options, Supplier<RecordColumns> columns, String queryId, String runId) {
        Run current = runId == null ? null : RUNS.get(queryId);
        if (current != null && current.runId().equals(runId)) {
            return current.write();
        }
        ExactlyOnceStreamingWrite write = start(options, columns.get(), queryId);
        if (runId != null) {
            RUNS.put(queryId, new Run(runId, write));
        }
        return write;
    }

    /** Starts a run of query {@code queryId}: recovers, then writes. */
    private static ExactlyOnceStreamingWrite start(SinkOptions options, RecordColumns columns, String queryId) {
        CommitLog commitLog = new CommitLog(options);
        String base = TransactionalIds.base(options.transactionalIdPrefix(), queryId);
        try (Admin admin = Admin.create(options.admin())) {
            commitLog.create(admin);
            Optional<BatchRecord> last = commitLog.last(queryId);
            if (last.isPresent() && !last.get().committed()) {
                log.info(
                        "Query {}: committing the transactions of batch {}, recorded but not all committed by the"
                                + " previous run",
                        queryId,
                        last.get().batch());
                DriverTransactions.commit(options, last.get().transactions());
                try (KafkaProducer<byte[], byte[]> producer = commitLog.producer()) {
                    commitLog.write(producer, queryId, last.get().asCommitted());
                }
            }
            List<String> lingering = DriverTransactions.open(admin, base);
            if (!lingering.isEmpty()) {
                log.info("Query {}: aborting the transactions no batch recorded: {}", queryId, lingering);
                DriverTransactions.abort(admin, lingering);
            }
            return new ExactlyOnceStreamingWrite(
                    options, columns, queryId, last.map(BatchRecord::batch).orElse(-1L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while recovering the sink's transactions", e);
        }
    }

    @Override
    public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
        return WriterFactory.exactlyOnce(options, columns, transactionalIdBase, lastRecordedBatch);
    }

    @Override
    public boolean useCommitCoordinator() {
        return true;
    }

    @Override
    public void commit(long epochId, WriterCommitMessage[] messages) {
        if (epochId <= lastRecordedBatch) {
            log.info("Query {}: batch {} was committed before; its tasks wrote nothing now", queryId, epochId);
            return;
        }
        List<TaskTransaction> transactions = transactions(messages);
        BatchRecord record = new BatchRecord(epochId, false, transactions);
        try (KafkaProducer<byte[], byte[]> producer = commitLog.producer()) {
            commitLog.write(producer, queryId, record);
            DriverTransactions.commit(options, transactions);
            commitLog.write(producer, queryId, record.asCommitted());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while committing batch " + epochId, e);
        }
    }

    @Override
    public void abort(long epochId, WriterCommitMessage[] messages) {
        if (epochId <= lastRecordedBatch) {
            return;
        }
        List<String> ids = transactions(messages).stream()
                .map(TaskTransaction::transactionalId)
                .toList();
        try (Admin admin = Admin.create(options.admin())) {
            DriverTransactions.abort(admin, ids);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while aborting batch " + epochId, e);
        }
    }

    /** The open transactions among the messages; failed tasks leave null messages. */
    private static List<TaskTransaction> transactions(WriterCommitMessage[] messages) {
        return Arrays.stream(messages)
                .filter(Objects::nonNull)
                .map(TaskTransaction.class::cast)
                .filter(TaskTransaction::isOpen)
                .toList();
    }

    @Override
    public String toString() {
        return "MillraceExactlyOnceStreamingWrite[query " + queryId + "]";
    }

    /** A run of a query and the driver's write for it. */
    private record Run(String runId, ExactlyOnceStreamingWrite write) {}
}
