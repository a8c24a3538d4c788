package io.millrace.broker.replication;

import org.apache.kafka.common.errors.ApiException;

/**
 * What became of one topic of a {@link TopicManager#create(java.util.List, boolean)} batch: the
 * topic (when only validating: what it would be, without partitions), or the error that refused it.
 */
public record TopicCreation(TopicState topic, ApiException error) {

    static TopicCreation created(TopicState topic) {
        return new TopicCreation(topic, null);
    }

    static TopicCreation refused(ApiException error) {
        return new TopicCreation(null, error);
    }

    /** The topic, or the error thrown. */
    public TopicState orThrow() {
        if (error != null) {
            throw error;
        }
        return topic;
    }
}
