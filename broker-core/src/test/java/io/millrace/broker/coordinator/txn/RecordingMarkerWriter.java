package io.millrace.broker.coordinator.txn;

import io.millrace.broker.coordinator.CoordinatorExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/** Records the markers the coordinator writes; a partition can be made to fail its next writes. */
final class RecordingMarkerWriter implements TxnMarkerWriter {

    record Marker(TopicPartition partition, long producerId, short epoch, boolean commit) {}

    private CoordinatorExecutor executor;
    final List<Marker> written = new ArrayList<>();
    final Map<TopicPartition, Errors> failing = new HashMap<>();

    void useExecutor(CoordinatorExecutor executor) {
        this.executor = executor;
    }

    @Override
    public void write(
            TopicPartition partition,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean commit,
            Consumer<Errors> done) {
        Errors outcome = failing.getOrDefault(partition, Errors.NONE);
        if (outcome == Errors.NONE) {
            written.add(new Marker(partition, producerId, producerEpoch, commit));
        }
        executor.execute(() -> done.accept(outcome));
    }
}
