package io.millrace.schema.store;

/**
 * The key of a record in the {@code _schemas} topic. See {@link StoreCodec} for the JSON form.
 */
public sealed interface StoreKey {

    /**
     * One version of a subject. {@code seq} is the topic offset the writer expected the record to
     * land at and {@code node} the writing instance, so every write has a distinct key and a lost
     * race can never be compacted over the write that won it.
     */
    record SchemaKey(String subject, int version, long seq, String node) implements StoreKey {}

    /** A compatibility level; {@code subject} null is the global level. */
    record ConfigKey(String subject) implements StoreKey {}

    /** A mode; {@code subject} null is the global mode. */
    record ModeKey(String subject) implements StoreKey {}
}
