package io.millrace.spark.options;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The settings of the executors' consumers and the consumer groups the source names, as
 * spark-sql-kafka-0-10 makes them: the user's {@code kafka.*} settings, then offsets managed by
 * the source alone (no reset, no commits), a group of the query's own unless
 * {@code kafka.group.id} is set, and {@code read_committed} unless {@code kafka.isolation.level}
 * says otherwise. Stateless.
 */
public final class ConsumerParams {

    private ConsumerParams() {}

    /** The group of a streaming query: {@code groupIdPrefix}, a UUID and the checkpoint's hash. */
    public static String streamingGroupId(SourceOptions options, String checkpointLocation) {
        return options.get(OptionNames.GROUP_ID_PREFIX).orElse("spark-kafka-source") + "-" + UUID.randomUUID() + "-"
                + checkpointLocation.hashCode();
    }

    /** The group of a batch read: {@code groupIdPrefix} and a UUID. */
    public static String batchGroupId(SourceOptions options) {
        return options.get(OptionNames.GROUP_ID_PREFIX).orElse("spark-kafka-relation") + "-" + UUID.randomUUID();
    }

    /** The settings of a consumer on an executor. */
    public static Map<String, String> forExecutors(SourceOptions options, String groupId) {
        Map<String, String> params = new HashMap<>(options.kafkaParams());
        params.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        params.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, groupId + "-executor");
        params.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        params.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "65536");
        params.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return params;
    }
}
