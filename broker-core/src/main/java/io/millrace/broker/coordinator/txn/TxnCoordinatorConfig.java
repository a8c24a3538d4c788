package io.millrace.broker.coordinator.txn;

import io.millrace.broker.common.config.BrokerConfig;

/**
 * The transaction coordinator's settings (Kafka's broker keys).
 *
 * @param statePartitions              transaction.state.log.num.partitions: partitions of {@value TransactionCoordinator#TOPIC}
 * @param stateSegmentBytes            transaction.state.log.segment.bytes
 * @param maxTimeoutMs                 transaction.max.timeout.ms: the largest transaction.timeout.ms a producer may ask for
 * @param transactionalIdExpirationMs  transactional.id.expiration.ms: idle transactional ids are forgotten after it
 * @param abortTimedOutIntervalMs      transaction.abort.timed.out.transaction.cleanup.interval.ms
 * @param removeExpiredIntervalMs      transaction.remove.expired.transaction.cleanup.interval.ms
 * @param markerRetryBackoffMs         how long a marker write that failed waits before it is retried
 * @param partitionVerification        transaction.partition.verification.enable (KIP-890 produce checks)
 */
public record TxnCoordinatorConfig(
        int statePartitions,
        int stateSegmentBytes,
        int maxTimeoutMs,
        long transactionalIdExpirationMs,
        long abortTimedOutIntervalMs,
        long removeExpiredIntervalMs,
        long markerRetryBackoffMs,
        boolean partitionVerification) {

    static final long MARKER_RETRY_BACKOFF_MS = 1000;

    public static TxnCoordinatorConfig from(BrokerConfig config) {
        return new TxnCoordinatorConfig(
                config.getInt(BrokerConfig.TRANSACTION_STATE_LOG_NUM_PARTITIONS),
                config.getInt(BrokerConfig.TRANSACTION_STATE_LOG_SEGMENT_BYTES),
                config.getInt(BrokerConfig.TRANSACTION_MAX_TIMEOUT_MS),
                config.getInt(BrokerConfig.TRANSACTIONAL_ID_EXPIRATION_MS),
                config.getInt(BrokerConfig.TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS),
                config.getInt(BrokerConfig.TRANSACTION_REMOVE_EXPIRED_TRANSACTION_CLEANUP_INTERVAL_MS),
                MARKER_RETRY_BACKOFF_MS,
                config.getBoolean(BrokerConfig.TRANSACTION_PARTITION_VERIFICATION_ENABLE));
    }
}
