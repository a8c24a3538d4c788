package io.millrace.spark.source;

import io.millrace.spark.options.OffsetLimit;
import io.millrace.spark.options.SourceErrors;
import io.millrace.spark.source.offsets.OffsetRange;
import io.millrace.spark.source.offsets.OffsetReader;
import io.millrace.spark.source.reader.RangeReaderFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/**
 * A batch read: resolves the starting and ending limits into offsets when the query plans it and
 * reads each partition's range, split by {@code minPartitions}/{@code maxRecordsPerPartition}.
 * Immutable.
 */
final class MillraceBatch implements Batch {

    private final ReadSettings settings;
    private final OffsetLimit start;
    private final OffsetLimit end;

    MillraceBatch(ReadSettings settings, OffsetLimit start, OffsetLimit end) {
        this.settings = settings;
        this.start = start;
        this.end = end;
    }

    @Override
    public InputPartition[] planInputPartitions() {
        try (OffsetReader reader = settings.newOffsetReader()) {
            Map<TopicPartition, Long> from = reader.resolve(start, true);
            Map<TopicPartition, Long> until = reader.resolve(end, false);
            if (!from.keySet().equals(until.keySet())) {
                throw new IllegalStateException("different topic partitions for starting offsets topics[" + names(from)
                        + "] and ending offsets topics[" + names(until) + "]");
            }
            List<OffsetRange> ranges = new ArrayList<>();
            from.forEach((partition, offset) -> {
                long last = until.get(partition);
                if (offset > last) {
                    throw SourceErrors.resolvedStartAfterEnd(offset, last, partition);
                }
                ranges.add(new OffsetRange(partition, offset, last));
            });
            return settings.tasks(ranges);
        }
    }

    private static String names(Map<TopicPartition, Long> offsets) {
        return String.join(
                ",",
                new TreeSet<>(
                        offsets.keySet().stream().map(TopicPartition::toString).toList()));
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        return new RangeReaderFactory();
    }
}
