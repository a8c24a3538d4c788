package io.millrace.spark.source.subscription;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/** Every partition of the named topics that exist ({@code subscribe}). Immutable. */
record SubscribedTopics(List<String> topics) implements Subscription {

    SubscribedTopics {
        topics = List.copyOf(topics);
    }

    @Override
    public Set<TopicPartition> partitions(Admin admin) throws ExecutionException, InterruptedException {
        return TopicPartitions.ofTopicsMatching(admin, topics::contains);
    }

    @Override
    public String toString() {
        return "Subscribe[" + String.join(",", topics) + "]";
    }
}
