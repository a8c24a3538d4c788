package io.millrace.flink.source.enumerator.subscriber;

import io.millrace.flink.source.enumerator.AdminCalls;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** The broker's topics and their partitions, through the admin client; stateless. */
final class TopicMetadata {

    private TopicMetadata() {}

    /** The names of all topics except the broker's internal ones. */
    static Set<String> topicNames(Admin admin) {
        return AdminCalls.get(
                admin.listTopics(new ListTopicsOptions().listInternal(false)).names(), "listing topics");
    }

    /** Every partition of {@code topics}; a topic that does not exist fails the call. */
    static Set<TopicPartition> partitionsOf(Admin admin, Collection<String> topics) {
        if (topics.isEmpty()) {
            return Set.of();
        }
        Map<String, TopicDescription> descriptions =
                AdminCalls.get(admin.describeTopics(topics).allTopicNames(), "describing topics " + topics);
        Set<TopicPartition> partitions = new HashSet<>();
        descriptions
                .values()
                .forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        return partitions;
    }

    /** The partitions of those topics that match {@code filter}. */
    static Set<TopicPartition> partitionsOfTopicsMatching(Admin admin, Predicate<String> filter) {
        Set<String> topics = topicNames(admin).stream().filter(filter).collect(Collectors.toSet());
        return partitionsOf(admin, topics);
    }
}
