package io.millrace.spark.source.subscription;

import io.millrace.spark.options.StreamNames;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * Every partition of every topic of some Millrace streams ({@code stream}): the topics named
 * {@code stream:topic}, listed anew each time, so topics created in a stream later are read too.
 * Immutable.
 */
final class StreamTopics implements Subscription {

    private final List<String> streams;
    private final List<String> prefixes;

    StreamTopics(List<String> streams) {
        streams.forEach(StreamNames::validate);
        this.streams = List.copyOf(streams);
        this.prefixes = this.streams.stream().map(StreamNames::topicPrefix).toList();
    }

    @Override
    public Set<TopicPartition> partitions(Admin admin) throws ExecutionException, InterruptedException {
        return TopicPartitions.ofTopicsMatching(admin, name -> prefixes.stream().anyMatch(name::startsWith));
    }

    @Override
    public String toString() {
        return "Stream[" + String.join(",", streams) + "]";
    }
}
