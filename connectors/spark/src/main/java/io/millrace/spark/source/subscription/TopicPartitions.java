package io.millrace.spark.source.subscription;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** Lists the partitions of the broker's topics whose names match. Stateless. */
final class TopicPartitions {

    private TopicPartitions() {}

    static Set<TopicPartition> ofTopicsMatching(Admin admin, Predicate<String> names)
            throws ExecutionException, InterruptedException {
        Set<String> topics = new HashSet<>(admin.listTopics().names().get());
        topics.removeIf(names.negate());
        Set<TopicPartition> partitions = new HashSet<>();
        if (topics.isEmpty()) {
            return partitions;
        }
        for (TopicDescription description :
                admin.describeTopics(topics).allTopicNames().get().values()) {
            description
                    .partitions()
                    .forEach(p -> partitions.add(new TopicPartition(description.name(), p.partition())));
        }
        return partitions;
    }
}
