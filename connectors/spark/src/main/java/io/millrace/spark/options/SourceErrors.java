package io.millrace.spark.options;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The texts of the source's errors and warnings, worded as spark-sql-kafka-0-10 words them, so that what users search for still
 * finds an answer. Stateless.
 */
public final class SourceErrors {

    /** Appended when a data loss fails the query. */
    public static final String FAIL_ON_DATA_LOSS_TRUE = """

            Some data may have been lost because they are not available in Kafka any more; either the
             data was aged out by Kafka or the topic may have been deleted before all the data in the
             topic was processed. If you don't want your streaming query to fail on such cases, set the
             source option "failOnDataLoss" to "false".
            """;

    /** Appended to the warning when a data loss is tolerated. */
    public static final String FAIL_ON_DATA_LOSS_FALSE = """

            Some data may have been lost because they are not available in Kafka any more; either the
             data was aged out by Kafka or the topic may have been deleted before all the data in the
             topic was processed. If you want your streaming query to fail on such cases, set the source
             option "failOnDataLoss" to "true".
            """;

    /** Warned when {@code kafka.group.id} is set. */
    public static final String CUSTOM_GROUP_ID = """
            Kafka option 'kafka.group.id' has been set on this query, it is
             not recommended to set this option. This option is unsafe to use since multiple concurrent
             queries or sources using the same group id will interfere with each other as they are part
             of the same consumer group. Restarted queries may also suffer interference from the
             previous run having the same group id. The user should have only one query per group id,
             and/or set the option 'kafka.session.timeout.ms' to be very small so that the Kafka
             consumers from the previous query are marked dead by the Kafka group coordinator before the
             restarted query starts running.
            """;

    private SourceErrors() {}

    static IllegalArgumentException startAndEndPartitionsDiffer(
            Collection<TopicPartition> start, Collection<TopicPartition> end) {
        return new IllegalArgumentException(
                "The specified start offset and end offset should have the same topic-partitions.\n"
                        + "Topic-partitions for start offset: " + commaSeparated(start)
                        + ", topic-partitions for end offset: " + commaSeparated(end) + ".");
    }

    static IllegalArgumentException startAfterEnd(String what, long start, long end, TopicPartition partition) {
        return new IllegalArgumentException("The specified start " + what + " " + start
                + " is greater than the end " + what + " " + end + " for topic " + partition.topic()
                + " partition " + partition.partition() + ".");
    }

    /** A resolved start beyond the resolved end in a batch read. */
    public static IllegalStateException resolvedStartAfterEnd(long start, long end, TopicPartition partition) {
        return new IllegalStateException("The resolved start offset "
                + start + " is greater than the resolved end offset " + end + " for topic " + partition.topic()
                + " partition " + partition.partition() + ".");
    }

    /** Specific starting offsets that do not name exactly the subscribed partitions. */
    public static IllegalArgumentException specificOffsetsDoNotMatch(
            Collection<TopicPartition> specified, Collection<TopicPartition> assigned) {
        return new IllegalArgumentException("Partitions specified for Kafka start offsets don't match what are"
                + " assigned. Maybe topic partitions are created \nor deleted while the query is running. Use -1 for"
                + " latest, -2 for earliest.\nSpecified: " + scalaSet(specified) + " Assigned: "
                + scalaSet(assigned));
    }

    /** Timestamps per partition that do not name exactly the subscribed partitions. */
    public static IllegalArgumentException specificTimestampsDoNotMatch(
            boolean starting, Collection<TopicPartition> specified, Collection<TopicPartition> assigned) {
        return new IllegalArgumentException("Partitions specified for Kafka timestamp based "
                + (starting ? "starting" : "ending") + " offsets don't match what are assigned. Maybe topic"
                + " partitions are created \nor deleted while the query is running, or you didn't specify all the"
                + " partitions.\nSpecified: " + scalaSet(specified) + " Assigned: " + scalaSet(assigned));
    }

    /** No record at or after a starting timestamp, under strategy ERROR. */
    public static IllegalArgumentException noOffsetForTimestamp(TopicPartition partition, long timestamp) {
        return new IllegalArgumentException(
                "No offset matched from request of topic-partition " + partition + " and timestamp " + timestamp + ".");
    }

    /** The text of a data loss found on the driver: Spark's KAFKA_DATA_LOSS preamble and the reason. */
    public static String dataLoss(String reason) {
        return "Some data may have been lost because they are not available in"
                + " Kafka any more;\neither the data was aged out by Kafka or the topic may have been deleted"
                + " before all the data in the\ntopic was processed.\nIf you don't want your streaming query to"
                + " fail on such cases, set the source option failOnDataLoss to false.\nReason: " + reason;
    }

    /** The text of a data loss found by a reader on an executor. */
    public static String cannotFetchOffset(long offset, String groupId, TopicPartition partition) {
        return "Cannot fetch offset " + offset + " (GroupId: " + groupId + ", TopicPartition: " + partition + "). ";
    }

    private static String commaSeparated(Collection<TopicPartition> partitions) {
        return String.join(", ", sorted(partitions));
    }

    /** A set of partitions as Spark's messages print it: {@code Set(t-0, t-1)}. */
    public static String scalaSet(Collection<TopicPartition> partitions) {
        return "Set(" + commaSeparated(partitions) + ")";
    }

    private static List<String> sorted(Collection<TopicPartition> partitions) {
        return partitions.stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .map(TopicPartition::toString)
                .toList();
    }
}
