package io.millrace.spark.source.subscription;

import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/** Every partition of the topics whose whole name matches a regex ({@code subscribePattern}). Immutable. */
final class TopicPattern implements Subscription {

    private final Pattern pattern;

    TopicPattern(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    @Override
    public Set<TopicPartition> partitions(Admin admin) throws ExecutionException, InterruptedException {
        return TopicPartitions.ofTopicsMatching(
                admin, name -> pattern.matcher(name).matches());
    }

    @Override
    public String toString() {
        return "SubscribePattern[" + pattern + "]";
    }
}
