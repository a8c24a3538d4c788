package io.millrace.broker.replication;

import java.util.List;

/** A topic and its partitions, as one immutable snapshot (replaced whole on every change). */
public record TopicState(TopicMetadata metadata, List<LocalPartition> partitions) {

    public TopicState {
        partitions = List.copyOf(partitions);
    }

    public String name() {
        return metadata.name();
    }

    public Partition partition(int index) {
        return index >= 0 && index < partitions.size() ? partitions.get(index) : null;
    }
}
