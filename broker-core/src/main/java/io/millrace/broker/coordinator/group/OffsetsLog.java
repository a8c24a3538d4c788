package io.millrace.broker.coordinator.group;

import io.millrace.broker.log.VerificationGuard;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;

/**
 * The partitions of {@code __consumer_offsets} as the group coordinator uses them: append records,
 * learn when they are durable, and read everything back at startup. Production:
 * {@link PartitionOffsetsLog} over the broker's own partitions; unit tests use an in-memory log.
 */
public interface OffsetsLog {

    /**
     * What a replay hands over, in log order. A lambda receives only the records that took effect
     * when written; the coordinator's loader also takes transactional records and markers.
     */
    @FunctionalInterface
    interface ReplaySink {

        /** A record that took effect when it was written. */
        void record(GroupRecord record);

        /** An offset commit written within a transaction of {@code producerId}: pending until its marker. */
        default void transactionalRecord(long producerId, GroupRecord record) {}

        /** The commit or abort marker of a transaction of {@code producerId}. */
        default void marker(long producerId, boolean commit) {}
    }

    int partitionCount();

    /**
     * Appends records (in one batch when they fit). {@code done} runs on the coordinator thread
     * with NONE once they are fsynced, or with the reason they never will be.
     */
    void append(int partition, List<GroupRecord> records, long timestampMs, Consumer<Errors> done);

    /**
     * Appends offset commits as part of the producer's transaction (TxnOffsetCommit): one
     * transactional batch with the producer's id and epoch, so the partition fences an older epoch
     * (INVALID_PRODUCER_EPOCH) and, with {@code guard}, refuses a batch that would open a
     * transaction the coordinator does not know (INVALID_TXN_STATE). {@code done} as for
     * {@link #append}.
     */
    void appendTransactional(
            int partition,
            List<GroupRecord> records,
            long producerId,
            short producerEpoch,
            VerificationGuard guard,
            long timestampMs,
            Consumer<Errors> done);

    /** Runs {@code done} on the coordinator thread once everything appended to the partition so far is durable. */
    void afterDurable(int partition, Consumer<Errors> done);

    /**
     * Reads every durable record and transaction marker of the partition from its start, in order.
     * Blocking disk work: called from the loader thread, never from the coordinator thread.
     *
     * @throws IOException when the partition cannot be read
     */
    void replay(int partition, ReplaySink sink) throws IOException;
}
