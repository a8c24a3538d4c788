package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * Kafka's synonyms of a broker setting: the broker keys that set the same thing, and every place
 * each of them has a value, in Kafka's order of precedence (this broker's dynamic values, the
 * dynamic cluster defaults, the static configuration, the built-in defaults; within each, the
 * keys most specific first). The first entry is where the value in effect comes from.
 */
final class BrokerSynonyms {

    private BrokerSynonyms() {}

    /** Broker keys that set the same thing as {@code brokerKey}, most specific first. */
    static List<String> group(String brokerKey) {
        switch (brokerKey) {
            case BrokerConfig.LOG_ROLL_MS:
            case BrokerConfig.LOG_ROLL_HOURS:
                return List.of(BrokerConfig.LOG_ROLL_MS, BrokerConfig.LOG_ROLL_HOURS);
            case BrokerConfig.LOG_RETENTION_MS:
            case BrokerConfig.LOG_RETENTION_MINUTES:
            case BrokerConfig.LOG_RETENTION_HOURS:
                return List.of(
                        BrokerConfig.LOG_RETENTION_MS,
                        BrokerConfig.LOG_RETENTION_MINUTES,
                        BrokerConfig.LOG_RETENTION_HOURS);
            default:
                return List.of(brokerKey);
        }
    }

    /**
     * Where the keys of {@code group} have a value in {@code config}, in order of precedence
     * (values hidden when {@code sensitive}).
     */
    static List<DescribeConfigsSynonym> chain(Snapshot config, List<String> group, boolean sensitive) {
        List<DescribeConfigsSynonym> chain = new ArrayList<>();
        addSet(chain, group, config.perBroker(), ConfigSource.DYNAMIC_BROKER_CONFIG, sensitive);
        addSet(chain, group, config.clusterDefault(), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, sensitive);
        addSet(chain, group, config.staticConfig().explicitValues(), ConfigSource.STATIC_BROKER_CONFIG, sensitive);
        for (String key : group) {
            ConfigDef.ConfigKey def = BrokerConfig.DEFINITION.configKeys().get(key);
            if (def != null && def.hasDefault() && def.defaultValue != null) {
                chain.add(synonym(
                        key, sensitive ? null : render(def.defaultValue, def.type), ConfigSource.DEFAULT_CONFIG));
            }
        }
        return chain;
    }

    /** Where the value in effect of a key with this chain comes from. */
    static ConfigSource source(List<DescribeConfigsSynonym> chain) {
        return chain.isEmpty()
                ? ConfigSource.DEFAULT_CONFIG
                : ConfigSource.forId(chain.get(0).source());
    }

    private static void addSet(
            List<DescribeConfigsSynonym> chain,
            List<String> group,
            Map<String, String> values,
            ConfigSource source,
            boolean sensitive) {
        for (String key : group) {
            String value = values.get(key);
            if (value != null) {
                chain.add(synonym(key, sensitive ? null : value, source));
            }
        }
    }

    static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }

    /** A value as Kafka renders it: lists comma-separated, null stays null. */
    static String render(Object value, ConfigDef.Type type) {
        if (value instanceof String s) {
            return s;
        }
        return ConfigDef.convertToString(value, type);
    }
}
