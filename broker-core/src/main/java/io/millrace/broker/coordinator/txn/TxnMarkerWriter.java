package io.millrace.broker.coordinator.txn;

import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Writes transaction markers into data partitions. Production: {@link PartitionMarkerWriter}
 * (local partitions); unit tests record the markers.
 */
public interface TxnMarkerWriter {

    /**
     * Appends a commit or abort marker for the producer to {@code partition}; {@code done} runs on
     * the coordinator thread with NONE once the marker is durable, else with the append's error
     * (UNKNOWN_TOPIC_OR_PARTITION when the partition no longer exists).
     */
    void write(
            TopicPartition partition,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean commit,
            Consumer<Errors> done);
}
