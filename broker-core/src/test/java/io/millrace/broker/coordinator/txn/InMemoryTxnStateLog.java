package io.millrace.broker.coordinator.txn;

import io.millrace.broker.coordinator.CoordinatorExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;

/** {@code __transaction_state} in memory; records are durable at once (or fail while {@link #failing} is set). */
final class InMemoryTxnStateLog implements TxnStateLog {

    private final List<List<Map.Entry<String, TxnRecord>>> partitions = new ArrayList<>();
    private CoordinatorExecutor executor;
    Errors failing = Errors.NONE;

    InMemoryTxnStateLog(int partitions) {
        for (int i = 0; i < partitions; i++) {
            this.partitions.add(new ArrayList<>());
        }
    }

    /** Completions run on this executor (a restarted coordinator gets a new one). */
    void useExecutor(CoordinatorExecutor executor) {
        this.executor = executor;
    }

    @Override
    public int partitionCount() {
        return partitions.size();
    }

    @Override
    public void append(int partition, String transactionalId, TxnRecord record, Consumer<Errors> done) {
        Errors outcome = failing;
        if (outcome == Errors.NONE) {
            partitions.get(partition).add(new java.util.AbstractMap.SimpleImmutableEntry<>(transactionalId, record));
        }
        executor.execute(() -> done.accept(outcome));
    }

    @Override
    public void replay(int partition, BiConsumer<String, TxnRecord> sink) {
        for (Map.Entry<String, TxnRecord> e : partitions.get(partition)) {
            sink.accept(e.getKey(), e.getValue());
        }
    }

    /** Every record written for the id, oldest first (a tombstone as null). */
    List<TxnRecord> recordsOf(String transactionalId) {
        List<TxnRecord> out = new ArrayList<>();
        for (List<Map.Entry<String, TxnRecord>> p : partitions) {
            for (Map.Entry<String, TxnRecord> e : p) {
                if (e.getKey().equals(transactionalId)) {
                    out.add(e.getValue());
                }
            }
        }
        return out;
    }
}
