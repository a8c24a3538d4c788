package io.millrace.broker.coordinator.group;

/**
 * A committed offset as stored in {@code __consumer_offsets} and served by OffsetFetch.
 *
 * @param offset            the next offset the group will consume
 * @param leaderEpoch       the leader epoch of the last consumed record, or -1
 * @param metadata          the client's metadata string (never null; "" when none was given)
 * @param commitTimestampMs when the commit was accepted (broker clock)
 * @param expireTimestampMs when the commit expires as requested by OffsetCommit v2-v4, or -1
 */
public record OffsetAndMetadata(
        long offset, int leaderEpoch, String metadata, long commitTimestampMs, long expireTimestampMs) {

    public OffsetAndMetadata {
        metadata = metadata == null ? "" : metadata;
    }
}
