package io.millrace.flink.source.enumerator.subscriber;

import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/** Every partition of the topics whose whole name matches a pattern. Immutable. */
final class TopicPatternSubscriber implements MillraceSubscriber {

    private static final long serialVersionUID = 1L;

    private final Pattern pattern;

    TopicPatternSubscriber(Pattern pattern) {
        this.pattern = pattern;
    }

    @Override
    public Set<TopicPartition> subscribedPartitions(Admin admin) {
        return TopicMetadata.partitionsOfTopicsMatching(
                admin, name -> pattern.matcher(name).matches());
    }

    @Override
    public String toString() {
        return "topic pattern " + pattern;
    }
}
