package io.millrace.flink.source.enumerator.initializer;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer group's committed offsets, with a reset strategy for partitions the group never
 * committed. Immutable.
 */
final class CommittedOffsetsInitializer implements OffsetsInitializer, OffsetsInitializerValidator {

    private static final long serialVersionUID = 1L;

    private final OffsetResetStrategy reset;

    CommittedOffsetsInitializer(OffsetResetStrategy reset) {
        this.reset = reset;
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever offsets) {
        return committedElseReset(partitions, offsets, reset, "the consumer group has no committed offset");
    }

    /**
     * The committed offsets of {@code partitions}, and {@code reset}'s for those without one.
     *
     * @param why what a partition without a committed offset lacks, for the error of NONE
     */
    static Map<TopicPartition, Long> committedElseReset(
            Collection<TopicPartition> partitions,
            PartitionOffsetsRetriever offsets,
            OffsetResetStrategy reset,
            String why) {
        Map<TopicPartition, Long> result = new HashMap<>(offsets.committedOffsets(partitions));
        List<TopicPartition> uncommitted =
                partitions.stream().filter(p -> !result.containsKey(p)).toList();
        result.putAll(reset.resolve(uncommitted, offsets, why));
        return result;
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return reset;
    }

    @Override
    public void validate(Properties properties) {
        if (properties.getProperty(ConsumerConfig.GROUP_ID_CONFIG) == null) {
            throw new IllegalStateException("Starting from committed offsets needs a consumer group: set "
                    + ConsumerConfig.GROUP_ID_CONFIG + " (setGroupId)");
        }
    }

    @Override
    public String toString() {
        return "committed offsets, else " + reset;
    }
}
