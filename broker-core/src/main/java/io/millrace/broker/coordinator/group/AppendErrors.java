package io.millrace.broker.coordinator.group;

import org.apache.kafka.common.protocol.Errors;

/** How a failed append to {@code __consumer_offsets} is reported to group clients, as Kafka maps it. */
final class AppendErrors {

    private AppendErrors() {}

    static Errors toResponseError(Errors appendError) {
        return switch (appendError) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT -> Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> appendError;
        };
    }

    /** OffsetCommit reports oversized commits as INVALID_COMMIT_OFFSET_SIZE. */
    static Errors toCommitError(Errors appendError) {
        return switch (appendError) {
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            default -> toResponseError(appendError);
        };
    }
}
