package io.millrace.flink.source.enumerator.initializer;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** The earliest or the latest offset of every partition. Immutable. */
final class ListedOffsetsInitializer implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    enum End {
        EARLIEST,
        LATEST
    }

    private final End end;

    ListedOffsetsInitializer(End end) {
        this.end = end;
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever offsets) {
        return getAutoOffsetResetStrategy().resolve(partitions, offsets, "");
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return end == End.EARLIEST ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST;
    }

    @Override
    public String toString() {
        return end == End.EARLIEST ? "earliest" : "latest";
    }
}
