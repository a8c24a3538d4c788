package io.millrace.flink.source.enumerator.subscriber;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * Every partition of every topic of some Millrace streams: the topics named {@code stream:topic}.
 * Each discovery lists the broker's topics again, so topics created in a stream while the job
 * runs are read from the next discovery on. Immutable.
 */
final class StreamSubscriber implements MillraceSubscriber {

    private static final long serialVersionUID = 1L;

    private final List<String> prefixes;
    private final List<String> streams;

    StreamSubscriber(Collection<String> streams) {
        streams.forEach(StreamNames::validate);
        this.streams = List.copyOf(streams);
        this.prefixes = this.streams.stream().map(StreamNames::topicPrefix).toList();
    }

    @Override
    public Set<TopicPartition> subscribedPartitions(Admin admin) {
        return TopicMetadata.partitionsOfTopicsMatching(
                admin, name -> prefixes.stream().anyMatch(name::startsWith));
    }

    @Override
    public String toString() {
        return "streams " + streams;
    }
}
