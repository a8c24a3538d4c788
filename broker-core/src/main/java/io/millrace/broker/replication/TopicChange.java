package io.millrace.broker.replication;

import org.apache.kafka.common.Uuid;

/** One change to the durable set of topics, as {@link TopicJournal} records it. */
sealed interface TopicChange {

    /** A new topic. */
    record Create(TopicMetadata topic) implements TopicChange {}

    /** New partition count or configuration of an existing topic: its whole metadata as it is now. */
    record Alter(TopicMetadata topic) implements TopicChange {}

    /** The topic is gone. */
    record Delete(Uuid topicId) implements TopicChange {}
}
