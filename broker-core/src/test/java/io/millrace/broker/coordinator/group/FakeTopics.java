package io.millrace.broker.coordinator.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/** Topics for unit tests: created, grown and deleted by hand. */
final class FakeTopics implements TopicsView {

    private final Map<String, Topic> byName = new TreeMap<>();
    private long version;

    synchronized Topic create(String name, int partitions) {
        Topic t = new Topic(name, Uuid.randomUuid(), partitions);
        byName.put(name, t);
        version++;
        return t;
    }

    synchronized void grow(String name, int partitions) {
        Topic t = byName.get(name);
        byName.put(name, new Topic(name, t.id(), partitions));
        version++;
    }

    synchronized void delete(String name) {
        byName.remove(name);
        version++;
    }

    synchronized Uuid id(String name) {
        return byName.get(name).id();
    }

    @Override
    public synchronized Topic byName(String name) {
        return byName.get(name);
    }

    @Override
    public synchronized Topic byId(Uuid id) {
        for (Topic t : byName.values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public synchronized Collection<Topic> all() {
        return new ArrayList<>(byName.values());
    }

    @Override
    public synchronized long version() {
        return version;
    }
}
