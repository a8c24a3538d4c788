package io.millrace.broker.coordinator.group;

/**
 * Reconciliation state of a consumer-protocol member (KIP-848), as in Kafka. The id is what
 * {@link GroupRecordSerde} stores.
 */
enum MemberState {
    /** The member owns its target assignment at the current assignment epoch. */
    STABLE(1),
    /** The member must first give up partitions (report them as no longer owned). */
    UNREVOKED_PARTITIONS(2),
    /** Partitions of its target are still owned by other members that have to revoke them first. */
    UNRELEASED_PARTITIONS(3);

    final byte id;

    MemberState(int id) {
        this.id = (byte) id;
    }

    static MemberState forId(byte id) {
        for (MemberState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown member state " + id);
    }
}
