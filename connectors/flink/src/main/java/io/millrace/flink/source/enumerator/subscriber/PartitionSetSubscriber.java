package io.millrace.flink.source.enumerator.subscriber;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/** The given partitions, each of which must exist. Immutable. */
final class PartitionSetSubscriber implements MillraceSubscriber {

    private static final long serialVersionUID = 1L;

    private final Set<TopicPartition> partitions;

    PartitionSetSubscriber(Set<TopicPartition> partitions) {
        this.partitions = Set.copyOf(partitions);
    }

    @Override
    public Set<TopicPartition> subscribedPartitions(Admin admin) {
        Set<String> topics = partitions.stream().map(TopicPartition::topic).collect(Collectors.toSet());
        Set<TopicPartition> existing = TopicMetadata.partitionsOf(admin, topics);
        Set<TopicPartition> missing = new HashSet<>(partitions);
        missing.removeAll(existing);
        if (!missing.isEmpty()) {
            throw new FlinkRuntimeException("Partitions " + missing + " do not exist");
        }
        return partitions;
    }

    @Override
    public String toString() {
        return "partitions " + partitions;
    }
}
