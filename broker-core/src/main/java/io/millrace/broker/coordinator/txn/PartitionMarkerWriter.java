package io.millrace.broker.coordinator.txn;

import io.millrace.broker.common.Clock;
import io.millrace.broker.coordinator.CoordinatorExecutor;
import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.AppendResult;
import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Writes transaction markers into this node's partitions: a control batch (kafka-clients'
 * {@link EndTransactionMarker} layout) appended with {@link AppendOrigin#COORDINATOR}, answered once
 * the group commit made it durable. Also serves WriteTxnMarkers, so markers from
 * {@code kafka-transactions abort} take the same path. Thread-safe; {@code done} runs on the
 * executor given.
 */
public final class PartitionMarkerWriter implements TxnMarkerWriter {

    /** Told about every marker once it is durable (the group coordinator materialises offsets). */
    @FunctionalInterface
    public interface Listener {
        void markerWritten(TopicPartition partition, long producerId, boolean commit);
    }

    private final TopicManager topics;
    private final CoordinatorExecutor executor;
    private final Clock clock;
    private volatile Listener listener = (tp, producerId, commit) -> {};

    public PartitionMarkerWriter(TopicManager topics, CoordinatorExecutor executor, Clock clock) {
        this.topics = topics;
        this.executor = executor;
        this.clock = clock;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void write(
            TopicPartition tp,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean commit,
            Consumer<Errors> done) {
        writeMarker(
                tp,
                producerId,
                producerEpoch,
                coordinatorEpoch,
                commit,
                error -> executor.execute(() -> done.accept(error)));
    }

    /**
     * Appends the marker and calls {@code done} (on whichever thread learns the outcome) with NONE
     * once it is durable, or with the reason it was not written.
     */
    public void writeMarker(
            TopicPartition tp,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean commit,
            Consumer<Errors> done) {
        Partition p = topics.partition(tp.topic(), tp.partition());
        if (p == null || p.isDeleted()) {
            done.accept(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            return;
        }
        EndTransactionMarker marker =
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch);
        AppendResult result = p.append(
                MemoryRecords.withEndTransactionMarker(
                                0L,
                                clock.milliseconds(),
                                RecordBatch.NO_PARTITION_LEADER_EPOCH,
                                producerId,
                                producerEpoch,
                                marker)
                        .buffer(),
                AppendOrigin.COORDINATOR);
        if (!result.succeeded()) {
            done.accept(result.error());
            return;
        }
        p.whenDurable(result.lastOffset() + 1, error -> {
            if (error == Errors.NONE) {
                listener.markerWritten(tp, producerId, commit);
            }
            done.accept(error);
        });
    }
}
