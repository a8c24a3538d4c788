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
 * <p>Batches whose records are all dropped disappear, except that an empty batch (header only) is
 * kept for: the newest batch of every producer the log's producer state tracks (its sequence
 * numbers and epoch are what a restart rebuilds idempotence from); the batch ending exactly at the
 * end of the cleaning round (so the offset where cleaning stopped stays visible to consumers); and
 * control batches, which are kept whole. Transactions are not supported yet: when they are,
 * transaction markers and aborted data get their rules in {@link #checkBatchRetention} (Kafka's
 * CleanedTransactionMetadata).
 *
 * <p>One instance per cleaned segment group; not thread-safe.
 */
final class CompactionFilter extends MemoryRecords.RecordFilter {

    private final OffsetMap map;
    private final Map<Long, Long> lastOffsetOfProducer;
    private final long roundEnd;
    private long tombstonesRemoved;
    private long keylessRemoved;

    /**
     * @param lastOffsetOfProducer the last offset of each tracked producer's newest batch
     * @param roundEnd             the offset where this cleaning round ends (first uncleanable offset)
     */
    CompactionFilter(long nowMs, long deleteRetentionMs, OffsetMap map, Map<Long, Long> lastOffsetOfProducer,
                     long roundEnd) {
        super(nowMs, deleteRetentionMs);
        this.map = map;
        this.lastOffsetOfProducer = lastOffsetOfProducer;
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
        boolean producersLastBatch = batch.hasProducerId()
            && Long.valueOf(batch.lastOffset()).equals(lastOffsetOfProducer.get(batch.producerId()));
        boolean keepEmpty = batch.isControlBatch() || producersLastBatch || batch.nextOffset() == roundEnd;
        return new BatchRetentionResult(keepEmpty ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY, false);
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
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
