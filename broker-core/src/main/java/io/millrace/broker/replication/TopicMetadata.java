package io.millrace.broker.replication;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * A topic as the cluster knows it: name, permanent id, partition count and its configuration
 * overrides (keys absent here take the broker's defaults). Immutable.
 */
public record TopicMetadata(String name, Uuid topicId, int partitionCount, Map<String, String> configs) {

    public TopicMetadata {
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }

    public TopicMetadata withPartitionCount(int count) {
        return new TopicMetadata(name, topicId, count, configs);
    }

    public TopicMetadata withConfigs(Map<String, String> newConfigs) {
        return new TopicMetadata(name, topicId, partitionCount, newConfigs);
    }
}
