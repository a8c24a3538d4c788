package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.log.LogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * A topic's effective configuration as clients are shown it: for every topic-level key, the
 * value in effect and where it comes from (the topic's override, the broker's configuration
 * file or the built-in default). Immutable.
 */
final class TopicConfigView {

    /** One key's value in effect; {@code value} is null for unset optional keys. */
    record Entry(String name, String value, ConfigSource source, ConfigDef.ConfigKey key) {}

    private final BrokerConfig broker;

    TopicConfigView(BrokerConfig broker) {
        this.broker = broker;
    }

    List<Entry> entries(Map<String, String> overrides) {
        Map<String, Object> defaults = LogConfig.brokerDefaults(broker);
        List<Entry> entries = new ArrayList<>();
        for (ConfigDef.ConfigKey key : LogConfig.DEFINITION.configKeys().values()) {
            entries.add(entry(key, overrides, defaults));
        }
        return entries;
    }

    Entry entry(ConfigDef.ConfigKey key, Map<String, String> overrides, Map<String, Object> defaults) {
        String override = overrides.get(key.name);
        if (override != null) {
            return new Entry(key.name, override, ConfigSource.TOPIC_CONFIG, key);
        }
        String brokerKey = LogConfig.BROKER_SYNONYMS.get(key.name);
        Object value = defaults.get(key.name);
        ConfigSource source = brokerKey != null && broker.isExplicit(brokerKey)
                ? ConfigSource.STATIC_BROKER_CONFIG
                : ConfigSource.DEFAULT_CONFIG;
        return new Entry(key.name, value == null ? null : ConfigDef.convertToString(value, key.type), source, key);
    }
}
