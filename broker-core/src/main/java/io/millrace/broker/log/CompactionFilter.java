package io.millrace.broker.log;

import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What a cleaning pass keeps of a compacted log, as Kafka's log cleaner decides it; applied batch
 * by batch through {@link MemoryRecords#filterTo}, which copies a fully kept batch byte for byte
 * and otherwise rebuilds it from the kept records with the same codec, base offset, last offset
 * delta, producer id, epoch and base sequence, partition leader epoch, record timestamps and
 * headers.
 *
 * <p>A record is dropped when
 * <ul>
 *   <li>the {@link OffsetMap} holds a later offset for its key (a newer value or tombstone);</li>
 *   <li>it has no key (it predates a switch of the topic to compaction; appends refuse such records);</li>
 *   <li>it is a tombstone (null value) whose batch's delete horizon has passed.</li>
 * </ul>
 * Records past the map's {@link OffsetMap#latestOffset()} (the map filled up) are all kept. So the
 * newest record of every key is never dropped, except a tombstone once its horizon passed.
 *
 * <p>Delete horizon (Kafka 3.0+, KIP-534): the first pass that keeps a tombstone stamps its batch
 * with {@code now + delete.retention.ms} (attribute bit 6, {@link BatchHeader#DELETE_HORIZON_FLAG_MASK};
 * the horizon takes the base timestamp field, record timestamps are preserved through their
 * deltas). Later passes drop the tombstone once that time has passed. Consumers therefore see a
 * deletion for at least delete.retention.ms after the cleaner first processed it.
 *
 * <p>Transactions ({@link CleanedTxns}): every record of an aborted transaction is dropped. A
 * transaction marker is kept whole until {@link CleanedTxns} says it may go (no data of its
 * transaction left); the first pass that finds so stamps its batch with a delete horizon, as for
 * tombstones, and the marker goes once that has passed, so consumers that read past the data
 * still see the marker for delete.retention.ms.
 *
 * <p>Batches whose records are all dropped disappear, except that an empty batch (header only) is
 * kept for: the newest batch of every producer the log's producer state tracks (its sequence
 * numbers and epoch are what a restart rebuilds idempotence from; a producer known only from a
 * marker keeps its newest marker); and the batch ending exactly at the end of the cleaning round
 * (so the offset where cleaning stopped stays visible to consumers).
 *
 * <p>One instance per cleaned segment group (the {@link CleanedTxns} spans the pass); not thread-safe.
 */
final class CompactionFilter extends MemoryRecords.RecordFilter {

    /**
     * A tracked producer's newest data batch (its last offset, -1 when only a marker is known) and
     * epoch, which the cleaner keeps.
     */
    record ProducerTail(long lastDataOffset, short epoch) {}

    private final OffsetMap map;
    private final Map<Long, ProducerTail> producerTails;
    private final CleanedTxns txns;
    private final long roundEnd;
    private boolean discardRecords;
    private long tombstonesRemoved;
    private long keylessRemoved;

    /**
     * @param producerTails the newest batch of each tracked producer
     * @param txns          the pass's transaction walk
     * @param roundEnd      the offset where this cleaning round ends (first uncleanable offset)
     */
    CompactionFilter(
            long nowMs,
            long deleteRetentionMs,
            OffsetMap map,
            Map<Long, ProducerTail> producerTails,
            CleanedTxns txns,
            long roundEnd) {
        super(nowMs, deleteRetentionMs);
        this.map = map;
        this.producerTails = producerTails;
        this.txns = txns;
        this.roundEnd = roundEnd;
    }

    long tombstonesRemoved() {
        return tombstonesRemoved;
    }

    long keylessRemoved() {
        return keylessRemoved;
    }

    @Override
    protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        boolean control = batch.isControlBatch();
        boolean mayGo = control ? txns.onControlBatch(batch) : txns.onDataBatch(batch);
        OptionalLong horizon = batch.deleteHorizonMs();
        discardRecords = control ? mayGo && horizon.isPresent() && horizon.getAsLong() <= currentTime : mayGo;
        BatchRetention retention;
        if (isProducersNewest(batch) || batch.nextOffset() == roundEnd) {
            retention = BatchRetention.RETAIN_EMPTY;
        } else if (discardRecords) {
            retention = BatchRetention.DELETE;
        } else {
            retention = BatchRetention.DELETE_EMPTY;
        }
        return new BatchRetentionResult(retention, mayGo && control);
    }

    private boolean isProducersNewest(RecordBatch batch) {
        ProducerTail tail = batch.hasProducerId() ? producerTails.get(batch.producerId()) : null;
        if (tail == null) {
            return false;
        }
        return tail.lastDataOffset() >= 0
                ? batch.lastOffset() == tail.lastDataOffset()
                : batch.isControlBatch() && batch.producerEpoch() == tail.epoch();
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (discardRecords) {
            return false;
        }
        if (batch.isControlBatch() || record.offset() > map.latestOffset()) {
            return true;
        }
        if (!record.hasKey()) {
            keylessRemoved++;
            return false;
        }
        if (record.offset() < map.get(record.key())) {
            return false;
        }
        if (record.hasValue()) {
            return true;
        }
        OptionalLong horizon = batch.deleteHorizonMs();
        if (horizon.isPresent() && horizon.getAsLong() <= currentTime) {
            tombstonesRemoved++;
            return false;
        }
        return true;
    }
}
