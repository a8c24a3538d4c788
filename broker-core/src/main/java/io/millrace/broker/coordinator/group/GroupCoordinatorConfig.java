package io.millrace.broker.coordinator.group;

import io.millrace.broker.common.config.BrokerConfig;
import java.util.List;

/**
 * The group coordinator's settings, read once from the broker configuration (Kafka's key names).
 * Immutable.
 *
 * @param offsetsTopicPartitions  partitions of {@code __consumer_offsets} when it is created
 * @param offsetsTopicSegmentBytes segment size of {@code __consumer_offsets}
 * @param offsetsRetentionMs      how long offsets outlive an empty group (or an unsubscribed topic)
 * @param offsetsRetentionCheckIntervalMs how often expired offsets are removed
 * @param offsetMetadataMaxBytes  longest commit metadata string accepted
 * @param initialRebalanceDelayMs how long a new classic group waits for more members
 * @param minSessionTimeoutMs     smallest classic session timeout accepted
 * @param maxSessionTimeoutMs     largest classic session timeout accepted
 * @param maxGroupSize            most members of a classic group
 * @param newMemberJoinTimeoutMs  how long a new classic member's JoinGroup may stay parked
 * @param consumerProtocolEnabled whether KIP-848 groups are served
 * @param consumerSessionTimeoutMs session timeout of KIP-848 members
 * @param consumerHeartbeatIntervalMs heartbeat interval given to KIP-848 members
 * @param consumerMaxGroupSize    most members of a KIP-848 group
 * @param consumerAssignors       server-side assignor names, the default first
 */
public record GroupCoordinatorConfig(
        int offsetsTopicPartitions,
        int offsetsTopicSegmentBytes,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        int offsetMetadataMaxBytes,
        int initialRebalanceDelayMs,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int maxGroupSize,
        int newMemberJoinTimeoutMs,
        boolean consumerProtocolEnabled,
        int consumerSessionTimeoutMs,
        int consumerHeartbeatIntervalMs,
        int consumerMaxGroupSize,
        List<String> consumerAssignors) {

    /** Kafka's fixed limit for a new member's parked JoinGroup (it cannot heartbeat yet). */
    public static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

    public GroupCoordinatorConfig {
        consumerAssignors = List.copyOf(consumerAssignors);
    }

    public static GroupCoordinatorConfig from(BrokerConfig config) {
        Long retentionMs = (Long) config.get(BrokerConfig.OFFSETS_RETENTION_MS);
        long retention =
                retentionMs != null ? retentionMs : config.getInt(BrokerConfig.OFFSETS_RETENTION_MINUTES) * 60_000L;
        return new GroupCoordinatorConfig(
                config.getInt(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS),
                config.getInt(BrokerConfig.OFFSETS_TOPIC_SEGMENT_BYTES),
                retention,
                config.getLong(BrokerConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS),
                config.getInt(BrokerConfig.OFFSET_METADATA_MAX_BYTES),
                config.getInt(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
                config.getInt(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfig.GROUP_MAX_SIZE),
                NEW_MEMBER_JOIN_TIMEOUT_MS,
                config.getList(BrokerConfig.GROUP_COORDINATOR_REBALANCE_PROTOCOLS)
                        .contains("consumer"),
                config.getInt(BrokerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS),
                config.getInt(BrokerConfig.GROUP_CONSUMER_MAX_SIZE),
                config.getList(BrokerConfig.GROUP_CONSUMER_ASSIGNORS));
    }

    /** The defaults, as a broker started without settings uses them. */
    public static GroupCoordinatorConfig defaults() {
        return from(BrokerConfig.defaults());
    }
}
