package io.millrace.flink.source.enumerator.initializer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets given per partition; a partition not given starts at the group's committed offset, or
 * else as the reset strategy says. Immutable.
 */
final class SpecifiedOffsetsInitializer implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    private final Map<TopicPartition, Long> offsets;
    private final OffsetResetStrategy reset;

    SpecifiedOffsetsInitializer(Map<TopicPartition, Long> offsets, OffsetResetStrategy reset) {
        offsets.forEach((partition, offset) -> {
            if (offset == null || offset < 0) {
                throw new IllegalArgumentException("The offset of " + partition + " must be at least 0, was " + offset);
            }
        });
        this.offsets = new HashMap<>(offsets);
        this.reset = reset;
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever retriever) {
        Map<TopicPartition, Long> result = new HashMap<>();
        List<TopicPartition> unspecified = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Long offset = offsets.get(partition);
            if (offset != null) {
                result.put(partition, offset);
            } else {
                unspecified.add(partition);
            }
        }
        if (!unspecified.isEmpty()) {
            result.putAll(CommittedOffsetsInitializer.committedElseReset(
                    unspecified, retriever, reset, "no offset was given and none is committed"));
        }
        return result;
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return reset;
    }

    @Override
    public String toString() {
        return "offsets " + offsets + ", else committed, else " + reset;
    }
}
