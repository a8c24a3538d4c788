package io.millrace.broker.replication;

import java.util.Map;

/**
 * A topic to create, as a request asks for it.
 *
 * @param partitions -1 for {@code num.partitions}
 * @param replicationFactor -1 for {@code default.replication.factor}
 * @param configs configuration overrides
 */
public record NewTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public NewTopic {
        configs = Map.copyOf(configs);
    }
}
