package io.millrace.spark.source.subscription;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/** Exactly the partitions of the {@code assign} option, whether or not they exist. Immutable. */
record AssignedPartitions(List<TopicPartition> assigned) implements Subscription {

    AssignedPartitions {
        assigned = List.copyOf(assigned);
    }

    @Override
    public Set<TopicPartition> partitions(Admin admin) {
        return new HashSet<>(assigned);
    }

    @Override
    public String toString() {
        return "Assign[" + assigned + "]";
    }
}
