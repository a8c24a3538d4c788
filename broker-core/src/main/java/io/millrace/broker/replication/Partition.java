package io.millrace.broker.replication;

import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.AppendResult;
import io.millrace.broker.log.DurabilityCallback;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.log.LogReadResult;
import io.millrace.broker.log.ProducerView;
import io.millrace.broker.log.TimestampOffset;
import io.millrace.broker.log.VerificationGuard;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The one narrow view protocol handlers have of a partition: append, read, offsets. Handlers
 * never see segments, files or the log manager. Implementations are thread-safe.
 */
public interface Partition {

    TopicPartition topicPartition();

    Uuid topicId();

    /** The current leader epoch, stamped into appended batches and reported in metadata. */
    int leaderEpoch();

    /** Appends one record batch; see {@code PartitionLog#append}. */
    AppendResult append(ByteBuffer batch, AppendOrigin origin);

    /**
     * Appends a client's transactional batch with the guard from {@link #startTxnVerification}
     * (once the transaction coordinator confirmed the partition is in the transaction).
     */
    AppendResult append(ByteBuffer batch, AppendOrigin origin, VerificationGuard guard);

    /**
     * Starts verifying a transactional batch of {@code producerId} (KIP-890): the guard to append it
     * with, or {@link VerificationGuard#DISABLED} when the producer's transaction is already open here.
     */
    VerificationGuard startTxnVerification(long producerId);

    /** Calls back once every offset below {@code offsetExclusive} is durable. */
    void whenDurable(long offsetExclusive, DurabilityCallback callback);

    /** Reads durable data (below the high watermark) from {@code fetchOffset}, as read_uncommitted. */
    LogReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch);

    /**
     * Reads from {@code fetchOffset}; read_committed stops at the last stable offset and returns
     * the aborted transactions overlapping what it read.
     */
    LogReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch, boolean readCommitted);

    /** read_committed consumers see offsets below it (at most the high watermark). */
    long lastStableOffset();

    /** The producers the partition tracks (DescribeProducers). */
    List<ProducerView> activeProducers();

    long logStartOffset();

    /** The durable offset: consumers see offsets below it. */
    long highWatermark();

    long logEndOffset();

    Optional<TimestampOffset> offsetForTimestamp(long timestamp);

    Optional<TimestampOffset> maxTimestampOffset();

    /** Moves the log start offset forward (DeleteRecords); returns the new log start offset. */
    long deleteRecordsBefore(long offset);

    LogConfig config();

    /** True after a storage failure; every operation then answers KAFKA_STORAGE_ERROR. */
    boolean isOffline();

    /** True once the topic was deleted; the object must not be used any more. */
    boolean isDeleted();

    /**
     * Registers a one-shot wake-up for the next high-watermark advance (long-polling fetches).
     * The watcher runs on the storage thread and must only hand work off.
     */
    void watchHighWatermark(HighWatermarkWatcher watcher);
}
