package io.millrace.flink.source.enumerator.subscriber;

import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/** Every partition of the named topics; a missing topic fails the discovery. Immutable. */
final class TopicListSubscriber implements MillraceSubscriber {

    private static final long serialVersionUID = 1L;

    private final List<String> topics;

    TopicListSubscriber(List<String> topics) {
        this.topics = List.copyOf(topics);
    }

    @Override
    public Set<TopicPartition> subscribedPartitions(Admin admin) {
        return TopicMetadata.partitionsOf(admin, topics);
    }

    @Override
    public String toString() {
        return "topics " + topics;
    }
}
