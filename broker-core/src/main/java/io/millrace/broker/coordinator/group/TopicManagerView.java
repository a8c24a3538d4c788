package io.millrace.broker.coordinator.group;

import io.millrace.broker.replication.TopicChangeListener;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicMetadata;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.stream.TopicName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;

/**
 * The broker's topics as the group coordinator sees them. Registered as a topic listener: every
 * change bumps {@link #version()}, and a deleted topic's offsets are removed from every group.
 * Thread-safe.
 */
public final class TopicManagerView implements TopicsView, TopicChangeListener {

    private final TopicManager topics;
    private final AtomicLong version = new AtomicLong();
    private volatile GroupCoordinator coordinator;

    public TopicManagerView(TopicManager topics) {
        this.topics = topics;
    }

    /** Deleted topics are reported to this coordinator from now on. */
    public void attach(GroupCoordinator groupCoordinator) {
        this.coordinator = groupCoordinator;
    }

    @Override
    public Topic byName(String name) {
        return topics.topic(name).map(TopicManagerView::view).orElse(null);
    }

    @Override
    public Topic byId(Uuid id) {
        return topics.topic(id).map(TopicManagerView::view).orElse(null);
    }

    @Override
    public Collection<Topic> all() {
        List<Topic> out = new ArrayList<>();
        for (TopicState t : topics.topics()) {
            if (!TopicName.isInternal(t.name())) {
                out.add(view(t));
            }
        }
        return out;
    }

    @Override
    public long version() {
        return version.get();
    }

    @Override
    public void topicCreated(TopicMetadata topic) {
        version.incrementAndGet();
    }

    @Override
    public void partitionsAdded(TopicMetadata topic) {
        version.incrementAndGet();
    }

    @Override
    public void topicDeleted(TopicMetadata topic) {
        version.incrementAndGet();
        GroupCoordinator c = coordinator;
        if (c != null) {
            c.onTopicDeleted(topic.name());
        }
    }

    private static Topic view(TopicState t) {
        return new Topic(t.name(), t.metadata().topicId(), t.metadata().partitionCount());
    }
}
