package io.millrace.flink.source.enumerator.initializer;

import java.util.Collection;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.common.TopicPartition;

/** The stopping offsets of an unbounded source: none, so every split reads for as long as the job runs. */
@Internal
public final class NoStoppingOffsetsInitializer implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever offsets) {
        return Map.of();
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        throw new UnsupportedOperationException("Stopping offsets have no reset strategy");
    }

    @Override
    public String toString() {
        return "no stopping offsets";
    }
}
