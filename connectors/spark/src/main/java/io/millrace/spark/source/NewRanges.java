package io.millrace.spark.source;

import io.millrace.spark.options.SourceErrors;
import io.millrace.spark.source.offsets.DataLossReporter;
import io.millrace.spark.source.offsets.OffsetRange;
import io.millrace.spark.source.offsets.OffsetReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The per-partition ranges of a micro-batch between its start and end offsets. A partition in
 * the end but not the start is new and read from its earliest offset (a new partition that does
 * not start at 0, or is gone again, lost data); a partition in the start but not the end is gone;
 * an end below its start means the partition was recreated. Each of those is reported to the
 * {@link DataLossReporter}. Used by one stream thread.
 */
final class NewRanges {

    private final OffsetReader reader;
    private final DataLossReporter dataLoss;
    private final boolean customGroupId;

    NewRanges(OffsetReader reader, DataLossReporter dataLoss, boolean customGroupId) {
        this.reader = reader;
        this.dataLoss = dataLoss;
        this.customGroupId = customGroupId;
    }

    List<OffsetRange> between(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
        Set<TopicPartition> added = new HashSet<>(end.keySet());
        added.removeAll(start.keySet());
        Map<TopicPartition, Long> addedStarts = reader.earliest(added);
        if (!addedStarts.keySet().equals(added)) {
            Set<TopicPartition> vanished = new HashSet<>(added);
            vanished.removeAll(addedStarts.keySet());
            dataLoss.onDriver("Cannot find initial offsets for partitions " + SourceErrors.scalaSet(vanished)
                    + ". They may have been deleted.");
        }
        addedStarts.forEach((partition, offset) -> {
            if (offset != 0) {
                dataLoss.onDriver("Added partition " + partition + " starts from " + offset + " instead of 0.");
            }
        });
        Set<TopicPartition> deleted = new HashSet<>(start.keySet());
        deleted.removeAll(end.keySet());
        if (!deleted.isEmpty()) {
            dataLoss.onDriver("Partitions " + SourceErrors.scalaSet(deleted) + " have been deleted."
                    + (customGroupId ? "\n" + SourceErrors.CUSTOM_GROUP_ID : ""));
        }
        Map<TopicPartition, Long> from = new HashMap<>(start);
        from.putAll(addedStarts);
        List<OffsetRange> ranges = new ArrayList<>();
        end.forEach((partition, until) -> {
            Long begin = from.get(partition);
            if (begin == null) {
                return;
            }
            if (until < begin) {
                dataLoss.onDriver(
                        "Partition " + partition + " offset was changed from " + begin + " to " + until + ".\n"
                                + "This could either be a user error that the start offset is set too high and this"
                                + " is the first batch, or the kafka topic-partition is broken, and some data may"
                                + " have been missed.");
            }
            ranges.add(new OffsetRange(partition, begin, until));
        });
        return ranges;
    }
}
