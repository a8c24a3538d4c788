package io.millrace.broker.coordinator.group;

import java.util.Collection;
import org.apache.kafka.common.Uuid;

/**
 * The topics as the group coordinator needs them: names, ids and partition counts, for topic-id
 * requests, server-side assignment and regex subscriptions. Implementations are thread-safe.
 */
public interface TopicsView {

    /** A topic: name, id and partition count. */
    record Topic(String name, Uuid id, int partitions) {}

    /** The topic called {@code name}, or null. */
    Topic byName(String name);

    /** The topic with {@code id}, or null. */
    Topic byId(Uuid id);

    /** Every topic that clients may consume (internal topics excluded). */
    Collection<Topic> all();

    /** A number that changes whenever a topic is created, grown or deleted. */
    long version();
}
