package io.millrace.broker.coordinator.txn;

import io.millrace.broker.common.Clock;
import io.millrace.broker.coordinator.CoordinatorExecutor;
import io.millrace.broker.coordinator.PartitionRecords;
import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.VerificationGuard;
import io.millrace.broker.replication.Partition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value TransactionCoordinator#TOPIC} over the broker's own partitions: each state change is one
 * uncompressed batch of one record ({@link TxnRecordSerde}), appended with
 * {@link AppendOrigin#COORDINATOR} and made durable by the partition's group commit. Appends happen
 * on the coordinator thread only, so each partition's writes are ordered; completions hop back to
 * that thread through the executor.
 */
public final class PartitionTxnStateLog implements TxnStateLog {

    private static final Logger log = LoggerFactory.getLogger(PartitionTxnStateLog.class);

    private final List<? extends Partition> partitions;
    private final CoordinatorExecutor executor;
    private final Clock clock;

    public PartitionTxnStateLog(List<? extends Partition> partitions, CoordinatorExecutor executor, Clock clock) {
        this.partitions = List.copyOf(partitions);
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public int partitionCount() {
        return partitions.size();
    }

    @Override
    public void append(int partition, String transactionalId, TxnRecord record, Consumer<Errors> done) {
        ByteBuffer batch = PartitionRecords.batchOf(
                TxnRecordSerde.key(transactionalId),
                record == null ? null : TxnRecordSerde.value(record),
                clock.milliseconds());
        PartitionRecords.appendDurably(
                partitions.get(partition),
                List.of(batch),
                VerificationGuard.DISABLED,
                "the state of transactional id '" + transactionalId + "'",
                executor,
                done);
    }

    @Override
    public void replay(int partition, BiConsumer<String, TxnRecord> sink) throws IOException {
        Partition p = partitions.get(partition);
        PartitionRecords.replay(p, (batch, record) -> {
            if (batch.isControlBatch() || !record.hasKey()) {
                return;
            }
            try {
                String id = TxnRecordSerde.transactionalId(Utils.toArray(record.key()));
                sink.accept(id, record.hasValue() ? TxnRecordSerde.record(id, Utils.toArray(record.value())) : null);
            } catch (IllegalArgumentException e) {
                log.warn(
                        "Skipping an unreadable record at {} offset {}: {}",
                        p.topicPartition(),
                        record.offset(),
                        e.getMessage());
            }
        });
    }
}
