package io.millrace.broker.coordinator.group;

import java.util.List;
import org.apache.kafka.common.errors.ApiException;

/**
 * What every group is, whichever protocol its members speak: the rules for committing,
 * fetching and deleting its offsets and for deleting the group, and when its offsets expire.
 * Implementations are confined to the coordinator thread.
 */
sealed interface Group permits AbstractGroup {

    /** The group type names of ListGroups v5 and DescribeGroups. */
    enum Type {
        CLASSIC("classic"),
        CONSUMER("consumer");

        final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }
    }

    String groupId();

    /** The {@code __consumer_offsets} partition the group lives on. */
    int partition();

    Type type();

    /** The state name clients see ("Empty", "Stable", ...). */
    String stateName();

    /** The protocol type ListGroups reports ("consumer", or "" for a group that only holds offsets). */
    String protocolType();

    boolean isEmpty();

    /**
     * Checks an OffsetCommit from {@code memberId}; a generation/epoch below 0 with no member id
     * is a commit from outside the group (admin tools, assign()-mode consumers).
     *
     * @throws ApiException with the error the commit must fail with
     */
    default void validateOffsetCommit(String memberId, String instanceId, int generationOrEpoch, short apiVersion) {
        validateOffsetCommit(memberId, instanceId, generationOrEpoch, apiVersion, false);
    }

    /**
     * Checks an OffsetCommit, or with {@code transactional} a TxnOffsetCommit (KIP-447: a producer
     * commits offsets with its consumer's group metadata, and a zombie whose member id or generation
     * is no longer current is refused; a commit without member id is allowed, as old clients send).
     *
     * @throws ApiException with the error the commit must fail with
     */
    void validateOffsetCommit(
            String memberId, String instanceId, int generationOrEpoch, short apiVersion, boolean transactional);

    /** Checks an OffsetFetch; {@code memberEpoch} is -1 and {@code memberId} null for non-members. */
    void validateOffsetFetch(String memberId, int memberEpoch);

    void validateOffsetDelete();

    /** @throws ApiException NON_EMPTY_GROUP when the group still has members */
    void validateDelete();

    /** Whether members consume {@code topic}: its offsets can then neither be deleted nor expire. */
    boolean isSubscribedTo(String topic);

    /**
     * The time offset retention counts from for {@code offset}, or -1 while it must not expire
     * (Kafka's offset expiration condition).
     */
    long expiryBaseTimestamp(OffsetAndMetadata offset);

    /** Adds the records that delete the group's own state (not its offsets). */
    void addTombstones(List<GroupRecord> records);
}
