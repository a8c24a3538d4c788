package io.millrace.flink.source.enumerator.subscriber;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * What a source reads: a list of topics, a topic pattern, a set of partitions or whole streams.
 * The enumerator asks it for the current partitions at start and at every partition discovery.
 *
 * <p>Implementations are serializable and stateless; one enumerator thread calls them at a time.
 */
@Internal
public interface MillraceSubscriber extends Serializable {

    /** The partitions subscribed to now. */
    Set<TopicPartition> subscribedPartitions(Admin admin);

    static MillraceSubscriber topics(List<String> topics) {
        return new TopicListSubscriber(topics);
    }

    static MillraceSubscriber topicPattern(Pattern pattern) {
        return new TopicPatternSubscriber(pattern);
    }

    static MillraceSubscriber partitions(Set<TopicPartition> partitions) {
        return new PartitionSetSubscriber(partitions);
    }

    /** Every topic of the streams, including topics created later. */
    static MillraceSubscriber streams(Collection<String> streams) {
        return new StreamSubscriber(streams);
    }
}
