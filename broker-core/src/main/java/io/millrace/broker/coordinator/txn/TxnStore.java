package io.millrace.broker.coordinator.txn;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's transactional ids, in memory, and their persistence in
 * {@code __transaction_state}: a transactional id lives on partition
 * {@code abs(transactionalId.hashCode()) % partitions} (as in Kafka), every transition is written
 * there before it takes effect ({@link #persist}), and {@link #load} rebuilds the map by replaying
 * every partition, the last record of an id winning and a tombstone removing it.
 *
 * <p>Not thread-safe: used from the coordinator thread only, except {@link #load}, which reads on
 * the loader thread into a map of its own.
 */
final class TxnStore {

    private static final Logger log = LoggerFactory.getLogger(TxnStore.class);

    private final TxnStateLog stateLog;
    private final Map<String, TxnMetadata> byId = new HashMap<>();

    TxnStore(TxnStateLog stateLog) {
        this.stateLog = stateLog;
    }

    int partitionFor(String transactionalId) {
        return Utils.abs(transactionalId.hashCode()) % stateLog.partitionCount();
    }

    TxnMetadata get(String transactionalId) {
        return byId.get(transactionalId);
    }

    void put(TxnMetadata metadata) {
        byId.put(metadata.transactionalId, metadata);
    }

    Collection<TxnMetadata> all() {
        return byId.values();
    }

    void installLoaded(Map<String, TxnMetadata> loaded) {
        byId.putAll(loaded);
    }

    /**
     * Writes a transition of {@code metadata}; while it is written the metadata is pending. Once it
     * is durable the transition takes effect (a Dead one removes the id) and {@code done} gets NONE;
     * if it cannot be written nothing changes and {@code done} gets the error a client should see.
     */
    void persist(TxnMetadata metadata, TxnRecord next, Consumer<Errors> done) {
        metadata.setPending(next.state());
        boolean dead = next.state() == TxnState.DEAD;
        stateLog.append(partitionFor(metadata.transactionalId), metadata.transactionalId, dead ? null : next, error -> {
            if (error == Errors.NONE) {
                if (dead) {
                    byId.remove(metadata.transactionalId, metadata);
                } else {
                    metadata.apply(next);
                }
                done.accept(Errors.NONE);
                return;
            }
            metadata.setPending(null);
            log.warn(
                    "Could not write the {} state of {} to {}: {}; the client will retry",
                    next.state().displayName(),
                    metadata,
                    TransactionCoordinator.TOPIC,
                    error.name());
            done.accept(clientError(error));
        });
    }

    /** Kafka's mapping of a failed transaction-log append to what the client is told (both retriable). */
    private static Errors clientError(Errors appendError) {
        switch (appendError) {
            case MESSAGE_TOO_LARGE:
            case RECORD_LIST_TOO_LARGE:
                return Errors.UNKNOWN_SERVER_ERROR;
            case KAFKA_STORAGE_ERROR:
            case NOT_LEADER_OR_FOLLOWER:
                return Errors.NOT_COORDINATOR;
            default:
                return Errors.COORDINATOR_NOT_AVAILABLE;
        }
    }

    /**
     * Replays every partition of the log into a new map (loader thread).
     *
     * @throws IOException when a partition cannot be read
     */
    Map<String, TxnMetadata> load() throws IOException {
        Map<String, TxnMetadata> loaded = new HashMap<>();
        for (int p = 0; p < stateLog.partitionCount(); p++) {
            stateLog.replay(p, (id, record) -> {
                if (record == null) {
                    loaded.remove(id);
                } else {
                    loaded.put(id, new TxnMetadata(record));
                }
            });
        }
        return loaded;
    }
}
