package io.millrace.flink.source.reader;

import io.millrace.flink.source.split.MillraceSplit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What one fetch brought, split by split: each split's records in offset order, the last of them
 * carrying the consumer's position after the fetch as its resume offset, so offsets the consumer
 * skipped (markers, aborted or compacted records) count as read. A split that only advanced gets a
 * single position element. Also names the splits that reached their stopping offset.
 *
 * <p>Built on the fetcher thread, then read by the reader's task thread alone.
 */
final class FetchedRecords implements RecordsWithSplitIds<FetchedRecord> {

    private final List<SplitRecords> splits = new ArrayList<>();
    private final Set<String> finishedSplits = new HashSet<>();
    private final FetchedRecord element = new FetchedRecord();

    @Nullable
    private Iterator<SplitRecords> splitIterator;

    @Nullable
    private SplitRecords current;

    private int nextIndex;

    /**
     * Adds a split's records, all below its stopping offset, and the position reached after them
     * (at least the last record's offset + 1).
     */
    void add(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records, long position) {
        splits.add(new SplitRecords(MillraceSplit.splitId(partition), records, position));
    }

    void finish(String splitId) {
        finishedSplits.add(splitId);
    }

    @Nullable
    @Override
    public String nextSplit() {
        if (splitIterator == null) {
            splitIterator = splits.iterator();
        }
        if (!splitIterator.hasNext()) {
            current = null;
            return null;
        }
        current = splitIterator.next();
        nextIndex = 0;
        return current.splitId();
    }

    @Nullable
    @Override
    public FetchedRecord nextRecordFromSplit() {
        if (current == null) {
            throw new IllegalStateException("nextRecordFromSplit() called before nextSplit()");
        }
        List<ConsumerRecord<byte[], byte[]>> records = current.records();
        int index = nextIndex++;
        if (index < records.size()) {
            ConsumerRecord<byte[], byte[]> record = records.get(index);
            boolean last = index == records.size() - 1;
            element.set(record, last ? current.position() : record.offset() + 1);
            return element;
        }
        if (index == 0) {
            element.set(null, current.position());
            return element;
        }
        return null;
    }

    @Override
    public Set<String> finishedSplits() {
        return finishedSplits;
    }

    private record SplitRecords(String splitId, List<ConsumerRecord<byte[], byte[]>> records, long position) {}
}
