package io.millrace.broker.coordinator.group;

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

    int partitionCount();

    /**
     * Appends records (in one batch when they fit). {@code done} runs on the coordinator thread
     * with NONE once they are fsynced, or with the reason they never will be.
     */
    void append(int partition, List<GroupRecord> records, long timestampMs, Consumer<Errors> done);

    /** Runs {@code done} on the coordinator thread once everything appended to the partition so far is durable. */
    void afterDurable(int partition, Consumer<Errors> done);

    /**
     * Reads every durable record of the partition from its start, in order. Blocking disk work:
     * called from the loader thread, never from the coordinator thread.
     *
     * @throws IOException when the partition cannot be read
     */
    void replay(int partition, Consumer<GroupRecord> sink) throws IOException;
}
