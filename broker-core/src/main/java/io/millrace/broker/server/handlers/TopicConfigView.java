package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.DynamicBrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig.Snapshot;
import io.millrace.broker.log.LogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * A topic's effective configuration as clients are shown it: for every topic-level key, the
 * value in effect and where it comes from (the topic's override, or wherever the broker setting
 * it defaults from gets its value: {@link BrokerSynonyms}). Immutable; reads the broker
 * configuration in effect at each call.
 */
final class TopicConfigView {

    /** One key's value in effect; {@code value} is null for unset optional keys. */
    record Entry(String name, String value, ConfigSource source, ConfigDef.ConfigKey key) {}

    private final DynamicBrokerConfig broker;

    TopicConfigView(DynamicBrokerConfig broker) {
        this.broker = broker;
    }

    List<Entry> entries(Map<String, String> overrides) {
        Snapshot snapshot = broker.snapshot();
        Map<String, Object> defaults = LogConfig.brokerDefaults(snapshot.effective());
        List<Entry> entries = new ArrayList<>();
        for (ConfigDef.ConfigKey key : LogConfig.DEFINITION.configKeys().values()) {
            entries.add(entry(key, overrides, snapshot, defaults));
        }
        return entries;
    }

    private static Entry entry(
            ConfigDef.ConfigKey key, Map<String, String> overrides, Snapshot broker, Map<String, Object> defaults) {
        String override = overrides.get(key.name);
        if (override != null) {
            return new Entry(key.name, override, ConfigSource.TOPIC_CONFIG, key);
        }
        String brokerKey = LogConfig.BROKER_SYNONYMS.get(key.name);
        Object value = defaults.get(key.name);
        ConfigSource source = brokerKey == null
                ? ConfigSource.DEFAULT_CONFIG
                : BrokerSynonyms.source(BrokerSynonyms.chain(broker, BrokerSynonyms.group(brokerKey), false));
        return new Entry(key.name, value == null ? null : ConfigDef.convertToString(value, key.type), source, key);
    }
}
