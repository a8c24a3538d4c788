package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.CoordinatorExecutor;
import io.millrace.broker.log.VerificationGuard;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;

/**
 * {@code __consumer_offsets} in memory for unit tests: records are stored encoded (so replay
 * exercises {@link GroupRecordSerde}), and become durable at once or, when the test holds
 * durability, when it calls {@link #flush()}. The next append can be made to fail.
 */
final class InMemoryOffsetsLog implements OffsetsLog {

    /**
     * One stored record: its encoded key and value (null for a tombstone) and the producer of the
     * transaction that wrote it (-1: none); or, with a null key, a transaction marker of that producer.
     */
    record Entry(byte[] key, byte[] value, long producerId, boolean commit) {
        boolean isMarker() {
            return key == null;
        }
    }

    private final int partitions;
    private final CoordinatorExecutor executor;
    private final List<List<Entry>> entries = new ArrayList<>();
    private final List<Runnable> pending = new ArrayList<>();
    private boolean holdDurability;
    private Errors nextFailure;

    InMemoryOffsetsLog(int partitions, CoordinatorExecutor executor) {
        this.partitions = partitions;
        this.executor = executor;
        for (int i = 0; i < partitions; i++) {
            entries.add(new ArrayList<>());
        }
    }

    /** A log holding the same data as {@code other}, for a coordinator that "restarts" on it. */
    InMemoryOffsetsLog copyFor(CoordinatorExecutor newExecutor) {
        InMemoryOffsetsLog copy = new InMemoryOffsetsLog(partitions, newExecutor);
        for (int i = 0; i < partitions; i++) {
            copy.entries.get(i).addAll(entries.get(i));
        }
        return copy;
    }

    void holdDurability(boolean hold) {
        this.holdDurability = hold;
    }

    void failNextAppend(Errors error) {
        this.nextFailure = error;
    }

    /** Makes everything appended so far durable. */
    void flush() {
        List<Runnable> now = new ArrayList<>(pending);
        pending.clear();
        now.forEach(Runnable::run);
    }

    /** Every record of a partition, decoded (markers left out). */
    List<GroupRecord> records(int partition) {
        List<GroupRecord> out = new ArrayList<>();
        for (Entry e : entries.get(partition)) {
            if (!e.isMarker()) {
                out.add(decode(e));
            }
        }
        return out;
    }

    private static GroupRecord decode(Entry e) {
        return GroupRecordSerde.decode(ByteBuffer.wrap(e.key()), e.value() == null ? null : ByteBuffer.wrap(e.value()));
    }

    /** A transaction marker of {@code producerId} lands in the partition. */
    void marker(int partition, long producerId, boolean commit) {
        entries.get(partition).add(new Entry(null, null, producerId, commit));
    }

    int size(int partition) {
        return entries.get(partition).size();
    }

    @Override
    public int partitionCount() {
        return partitions;
    }

    @Override
    public void append(int partition, List<GroupRecord> records, long timestampMs, Consumer<Errors> done) {
        store(partition, records, -1L, done);
    }

    @Override
    public void appendTransactional(
            int partition,
            List<GroupRecord> records,
            long producerId,
            short producerEpoch,
            VerificationGuard guard,
            long timestampMs,
            Consumer<Errors> done) {
        store(partition, records, producerId, done);
    }

    /** Stores the records (of the transaction of {@code producerId}, or -1: none) unless this append is to fail. */
    private void store(int partition, List<GroupRecord> records, long producerId, Consumer<Errors> done) {
        if (nextFailure != null) {
            Errors error = nextFailure;
            nextFailure = null;
            executor.execute(() -> done.accept(error));
            return;
        }
        for (GroupRecord r : records) {
            entries.get(partition)
                    .add(new Entry(GroupRecordSerde.key(r), GroupRecordSerde.value(r), producerId, false));
        }
        completeWhenDurable(() -> done.accept(Errors.NONE));
    }

    @Override
    public void afterDurable(int partition, Consumer<Errors> done) {
        completeWhenDurable(() -> done.accept(Errors.NONE));
    }

    private void completeWhenDurable(Runnable completion) {
        if (holdDurability) {
            pending.add(() -> executor.execute(completion));
        } else {
            executor.execute(completion);
        }
    }

    @Override
    public void replay(int partition, ReplaySink sink) {
        for (Entry e : entries.get(partition)) {
            if (e.isMarker()) {
                sink.marker(e.producerId(), e.commit());
            } else if (e.producerId() >= 0) {
                sink.transactionalRecord(e.producerId(), decode(e));
            } else {
                sink.record(decode(e));
            }
        }
    }
}
