package io.millrace.flink.source;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The source's own properties, set with {@code setProperty} next to the consumer's; the names,
 * defaults and meanings are those of Flink's Kafka source. Every other property goes to the
 * Kafka consumer (and, where the admin client knows it, to the enumerator's admin client).
 * Stateless.
 */
@PublicEvolving
public final class MillraceSourceOptions {

    public static final ConfigOption<String> CLIENT_ID_PREFIX = ConfigOptions.key("client.id.prefix")
            .stringType()
            .noDefaultValue()
            .withDescription("Prefix of the client ids of the source's consumers and admin client; "
                    + "defaults to the group id, or a random name without one.");

    public static final ConfigOption<Long> PARTITION_DISCOVERY_INTERVAL_MS = ConfigOptions.key(
                    "partition.discovery.interval.ms")
            .longType()
            .defaultValue(Duration.ofMinutes(5).toMillis())
            .withDescription("How often an unbounded source looks for new partitions, topics of a topic "
                    + "pattern and topics of a stream; 0 or less turns discovery off. Bounded sources never "
                    + "discover.");

    public static final ConfigOption<Boolean> REGISTER_CONSUMER_METRICS = ConfigOptions.key("register.consumer.metrics")
            .booleanType()
            .defaultValue(true)
            .withDescription("Whether the consumers' own metrics are registered in Flink's metric group.");

    public static final ConfigOption<Boolean> COMMIT_OFFSETS_ON_CHECKPOINT = ConfigOptions.key(
                    "commit.offsets.on.checkpoint")
            .booleanType()
            .defaultValue(true)
            .withDescription("Whether the offsets of a completed checkpoint are committed to the consumer "
                    + "group, so tools see the group's lag; off without a group id.");

    private static final Set<String> KEYS = Set.of(
            CLIENT_ID_PREFIX.key(),
            PARTITION_DISCOVERY_INTERVAL_MS.key(),
            REGISTER_CONSUMER_METRICS.key(),
            COMMIT_OFFSETS_ON_CHECKPOINT.key());

    private MillraceSourceOptions() {}

    /** The value of {@code option} in {@code properties}, or its default. */
    public static long getLong(Properties properties, ConfigOption<Long> option) {
        String value = properties.getProperty(option.key());
        return value == null ? option.defaultValue() : Long.parseLong(value.trim());
    }

    /** The value of {@code option} in {@code properties}, or its default. */
    public static boolean getBoolean(Properties properties, ConfigOption<Boolean> option) {
        String value = properties.getProperty(option.key());
        return value == null ? option.defaultValue() : Boolean.parseBoolean(value.trim());
    }

    /** The properties for a Kafka consumer: all but the source's own, with this client id. */
    public static Properties consumerProperties(Properties properties, String clientIdSuffix) {
        Properties consumer = new Properties();
        properties.stringPropertyNames().stream()
                .filter(key -> !KEYS.contains(key))
                .forEach(key -> consumer.setProperty(key, properties.getProperty(key)));
        consumer.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, clientId(properties, clientIdSuffix));
        return consumer;
    }

    /** The properties for an admin client: those an admin client knows, with this client id. */
    public static Properties adminProperties(Properties properties, String clientIdSuffix) {
        Properties admin = new Properties();
        Set<String> adminKeys = AdminClientConfig.configNames();
        properties.stringPropertyNames().stream()
                .filter(adminKeys::contains)
                .forEach(key -> admin.setProperty(key, properties.getProperty(key)));
        admin.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, clientId(properties, clientIdSuffix));
        return admin;
    }

    private static String clientId(Properties properties, String suffix) {
        return properties.getProperty(CLIENT_ID_PREFIX.key()) + "-" + suffix;
    }
}
