package io.millrace.schema.registry;

import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.store.RegistryState;
import io.millrace.schema.store.SchemasTopic;
import io.millrace.schema.store.StoreCodec;
import io.millrace.schema.store.StoreKey;
import io.millrace.schema.store.StoreKey.SchemaKey;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Writes to the schemas topic with optimistic concurrency, the topic offset being the sequence:
 * read to the end of the topic, decide against that view (the decision names the offset its
 * record must land at), append, read up to the appended offset, and check the record was
 * accepted; if another instance wrote first, decide again. One write at a time per instance.
 */
final class StoreWriter {

    /**
     * What to write, decided against a view: one record ({@code key}, {@code value}), or
     * {@code tombstones} for several keys, or nothing ({@code key} null and no tombstones).
     */
    record Decision<T>(StoreKey key, byte[] value, List<? extends StoreKey> tombstones, T result) {

        Decision(StoreKey key, byte[] value, T result) {
            this(key, value, List.of(), result);
        }

        static <T> Decision<T> done(T result) {
            return new Decision<>(null, null, List.of(), result);
        }

        static <T> Decision<T> tombstones(List<? extends StoreKey> keys, T result) {
            return new Decision<>(null, null, keys, result);
        }
    }

    /** A decision; {@code seq} is the offset the record will be accepted at. */
    @FunctionalInterface
    interface Decider<T> {
        Decision<T> decide(RegistryState.View view, long seq, String node);
    }

    static final int MAX_ATTEMPTS = 50;

    private final SchemasTopic topic;
    private final RegistryState state;
    private final String node = UUID.randomUUID().toString();
    private final ReentrantLock lock = new ReentrantLock();

    StoreWriter(SchemasTopic topic, RegistryState state) {
        this.topic = topic;
        this.state = state;
    }

    /** Decides and writes one record, retrying after lost races; returns the decision's result. */
    <T> T write(Decider<T> decider) {
        lock.lock();
        try {
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                topic.catchUp();
                Decision<T> decision = state.read(view -> decider.decide(view, view.nextOffset(), node));
                if (decision.key() == null) {
                    long last = -1;
                    for (StoreKey key : decision.tombstones()) {
                        last = topic.append(StoreCodec.encodeKey(key), null);
                    }
                    if (last >= 0) {
                        topic.awaitApplied(last + 1);
                    }
                    return decision.result();
                }
                long offset = topic.append(StoreCodec.encodeKey(decision.key()), decision.value());
                topic.awaitApplied(offset + 1);
                if (!(decision.key() instanceof SchemaKey k)
                        || decision.value() == null
                        || state.read(view -> view.holds(k))) {
                    return decision.result();
                }
            }
            throw RegistryErrors.storeError(
                    "Gave up after " + MAX_ATTEMPTS
                            + " attempts: other registry instances kept writing to the schemas topic first; retry",
                    null);
        } finally {
            lock.unlock();
        }
    }

    /** Reads the topic to its end, then evaluates {@code reader} (read-your-writes across instances). */
    <T> T readLatest(Function<RegistryState.View, T> reader) {
        topic.catchUp();
        return state.read(reader);
    }
}
