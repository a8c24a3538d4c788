package io.millrace.broker.replication;

/**
 * Told after a topic was created, grew or was deleted (the group coordinator follows subscribed
 * topics and drops offsets of deleted ones). Called while {@link TopicManager} holds its lock:
 * implementations must only record or hand off the change.
 */
public interface TopicChangeListener {

    default void topicCreated(TopicMetadata topic) {}

    default void partitionsAdded(TopicMetadata topic) {}

    default void topicDeleted(TopicMetadata topic) {}
}
