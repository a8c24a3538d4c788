package io.millrace.spark.avro;

import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.serde.KafkaAvroSerdeConfig;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * How to reach Millrace's schema registry, from the options of a query or a function: every
 * option {@code schema.registry.<name>} is the registry client's setting {@code <name>} under
 * Confluent's keys ({@code schema.registry.basic.auth.credentials.source},
 * {@code schema.registry.auto.register.schemas}...), and the client's keys that start with that
 * prefix themselves keep their name ({@code schema.registry.url},
 * {@code schema.registry.max.retries}, {@code schema.registry.basic.auth.user.info}).
 * The subject's latest version is not cached unless {@code schema.registry.latest.cache.ttl.sec}
 * says so: a DataFrame loaded after a new version was registered reads with it.
 * Serializable, so it travels to executors; each JVM keeps one caching client per distinct
 * settings ({@link #client()}), shared by its tasks, so a schema id is fetched once per executor.
 * Immutable.
 */
public final class RegistrySettings implements Serializable {

    /** The prefix of the options meant for the registry client. */
    public static final String PREFIX = "schema.registry.";
    /** The option with the registry's URL(s), comma-separated. */
    public static final String URL = PREFIX + "url";

    private static final long serialVersionUID = 1L;
    private static final Map<RegistrySettings, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private final TreeMap<String, String> clientConfigs;

    private RegistrySettings(TreeMap<String, String> clientConfigs) {
        this.clientConfigs = clientConfigs;
    }

    /**
     * The registry settings among {@code options} (names in any case).
     *
     * @param requiredBy what needs the registry, for the error when {@link #URL} is missing
     */
    public static RegistrySettings of(Map<String, String> options, String requiredBy) {
        TreeMap<String, String> configs = new TreeMap<>();
        options.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (KafkaAvroSerdeConfig.DEFINITION.names().contains(lower)) {
                // the client's own keys that start with the prefix (url, max.retries...)
                configs.put(lower, value);
            } else if (lower.startsWith(PREFIX)) {
                configs.put(lower.substring(PREFIX.length()), value);
            }
        });
        // A query resolves "latest" when it is loaded: a later load sees a newer version.
        configs.putIfAbsent(KafkaAvroSerdeConfig.LATEST_CACHE_TTL_SEC, "0");
        String url = configs.get(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL);
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(
                    "Option '" + URL + "' (the schema registry's URL) is required with " + requiredBy);
        }
        return new RegistrySettings(configs);
    }

    /** The registry URL(s), for messages. */
    public String url() {
        return clientConfigs.get(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL);
    }

    /** Whether a schema derived from a struct is registered when the subject does not have it yet. */
    boolean autoRegister() {
        return config().getBoolean(KafkaAvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
    }

    /** This JVM's client for these settings; fails naming the setting that is wrong. */
    public SchemaRegistryClient client() {
        return CLIENTS.computeIfAbsent(this, settings -> {
            try {
                return settings.config().createClient();
            } catch (ConfigException e) {
                throw invalid(e);
            }
        });
    }

    private KafkaAvroSerdeConfig config() {
        try {
            return new KafkaAvroSerdeConfig(clientConfigs);
        } catch (ConfigException e) {
            throw invalid(e);
        }
    }

    /** The client's complaint, which names its setting without this prefix. */
    private static IllegalArgumentException invalid(ConfigException e) {
        return new IllegalArgumentException(
                "Invalid schema registry option (" + PREFIX + "<setting>): " + e.getMessage(), e);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegistrySettings settings && settings.clientConfigs.equals(clientConfigs);
    }

    @Override
    public int hashCode() {
        return clientConfigs.hashCode();
    }
}
