package io.millrace.broker.replication;

import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.AppendResult;
import io.millrace.broker.log.DurabilityCallback;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.log.LogReadResult;
import io.millrace.broker.log.PartitionLog;
import io.millrace.broker.log.ProducerView;
import io.millrace.broker.log.TimestampOffset;
import io.millrace.broker.log.VerificationGuard;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;

/**
 * A partition whose only replica is this node's log: the leader epoch is fixed and the high
 * watermark is the log's durable offset. Thread-safe.
 */
public final class LocalPartition implements Partition {

    /** Purge finished watchers after this many registrations. */
    private static final int PURGE_INTERVAL = 64;

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final int leaderEpoch;
    private final PartitionLog log;
    private final ConcurrentLinkedQueue<HighWatermarkWatcher> watchers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger registrations = new AtomicInteger();
    private volatile boolean deleted;

    public LocalPartition(Uuid topicId, int leaderEpoch, PartitionLog log) {
        this.topicPartition = new TopicPartition(log.topic(), log.partition());
        this.topicId = topicId;
        this.leaderEpoch = leaderEpoch;
        this.log = log;
    }

    PartitionLog log() {
        return log;
    }

    @Override
    public TopicPartition topicPartition() {
        return topicPartition;
    }

    @Override
    public Uuid topicId() {
        return topicId;
    }

    @Override
    public int leaderEpoch() {
        return leaderEpoch;
    }

    @Override
    public AppendResult append(ByteBuffer batch, AppendOrigin origin) {
        if (deleted) {
            return AppendResult.failed(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + topicPartition + " was deleted", -1L);
        }
        return log.append(batch, leaderEpoch, origin);
    }

    @Override
    public AppendResult append(ByteBuffer batch, AppendOrigin origin, VerificationGuard guard) {
        if (deleted) {
            return AppendResult.failed(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + topicPartition + " was deleted", -1L);
        }
        return log.append(batch, leaderEpoch, origin, guard);
    }

    @Override
    public VerificationGuard startTxnVerification(long producerId) {
        return log.startTxnVerification(producerId);
    }

    @Override
    public void whenDurable(long offsetExclusive, DurabilityCallback callback) {
        log.whenDurable(offsetExclusive, callback);
    }

    @Override
    public LogReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch) {
        return log.read(fetchOffset, maxBytes, minOneBatch);
    }

    @Override
    public LogReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch, boolean readCommitted) {
        return log.read(fetchOffset, maxBytes, minOneBatch, readCommitted);
    }

    @Override
    public long lastStableOffset() {
        return log.lastStableOffset();
    }

    @Override
    public List<ProducerView> activeProducers() {
        return log.activeProducers();
    }

    @Override
    public long logStartOffset() {
        return log.logStartOffset();
    }

    @Override
    public long highWatermark() {
        return log.durableOffset();
    }

    @Override
    public long logEndOffset() {
        return log.logEndOffset();
    }

    @Override
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) {
        return log.offsetForTimestamp(timestamp);
    }

    @Override
    public Optional<TimestampOffset> maxTimestampOffset() {
        return log.maxTimestampOffset();
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        if (deleted) {
            throw new UnknownTopicOrPartitionException("Partition " + topicPartition + " was deleted");
        }
        return log.deleteRecordsBefore(offset);
    }

    @Override
    public LogConfig config() {
        return log.config();
    }

    @Override
    public boolean isOffline() {
        return log.isOffline();
    }

    @Override
    public boolean isDeleted() {
        return deleted;
    }

    void markDeleted() {
        deleted = true;
        fireWatchers();
    }

    @Override
    public void watchHighWatermark(HighWatermarkWatcher watcher) {
        watchers.add(watcher);
        if (registrations.incrementAndGet() % PURGE_INTERVAL == 0) {
            watchers.removeIf(HighWatermarkWatcher::isDone);
        }
    }

    /** Wakes every registered watcher; called by the storage layer after the durable offset advances. */
    void fireWatchers() {
        HighWatermarkWatcher w;
        while ((w = watchers.poll()) != null) {
            if (!w.isDone()) {
                w.onHighWatermarkAdvanced();
            }
        }
    }
}
