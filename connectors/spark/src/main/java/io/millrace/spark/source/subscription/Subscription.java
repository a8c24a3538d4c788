package io.millrace.spark.source.subscription;

import io.millrace.spark.options.OptionNames;
import io.millrace.spark.options.PartitionsJson;
import io.millrace.spark.options.SourceOptions;
import io.millrace.spark.options.TopicLists;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * Which partitions a query reads, asked again at every micro-batch so that new partitions and
 * topics are picked up: the {@code subscribe}, {@code subscribePattern}, {@code assign} or
 * {@code stream} option. Implementations are immutable.
 */
public interface Subscription {

    /** The partitions to read now. */
    Set<TopicPartition> partitions(Admin admin) throws ExecutionException, InterruptedException;

    /** The subscription the (validated) options name. */
    static Subscription of(SourceOptions options) {
        if (options.contains(OptionNames.ASSIGN)) {
            return new AssignedPartitions(
                    PartitionsJson.partitions(options.get(OptionNames.ASSIGN).orElseThrow()));
        }
        if (options.contains(OptionNames.SUBSCRIBE)) {
            return new SubscribedTopics(
                    TopicLists.split(options.get(OptionNames.SUBSCRIBE).orElseThrow()));
        }
        if (options.contains(OptionNames.SUBSCRIBE_PATTERN)) {
            return new TopicPattern(
                    options.get(OptionNames.SUBSCRIBE_PATTERN).orElseThrow().trim());
        }
        return new StreamTopics(TopicLists.split(options.get(OptionNames.STREAM).orElseThrow()));
    }
}
