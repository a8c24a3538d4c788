package io.millrace.broker.common.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker configuration in effect: the static configuration ({@link BrokerConfig}, fixed at
 * startup) overlaid with dynamic values set through the Admin API on BROKER resources, with
 * Kafka's precedence: this broker's own dynamic value, then the dynamic cluster default, then the
 * static value, then the built-in default.
 *
 * <p>Only {@link #DYNAMIC_KEYS} can be set dynamically: the broker defaults of topic settings
 * (topics without an override of their own see a new default at once), the log cleaner's
 * threads and buffers, the producer-id expiry and the connection limits. Each change is
 * validated, persisted ({@link DynamicConfigFile}) and only then applied by the registered
 * {@link BrokerReconfigurable}s. Keys the broker does not know are stored and reported as
 * Kafka stores custom broker configs, but nothing reads them.
 *
 * <p>Thread-safe: readers see an immutable {@link Snapshot}; changes are serialised on this object.
 */
public final class DynamicBrokerConfig {

    private static final Logger log = LoggerFactory.getLogger(DynamicBrokerConfig.class);

    /** Where a dynamic value applies. */
    public enum Level {
        /** This broker only (a BROKER resource named with the node id). */
        BROKER,
        /** Every broker of the cluster (the BROKER resource with the empty name). */
        CLUSTER_DEFAULT
    }

    /** The broker keys a change takes effect for without a restart. */
    public static final Set<String> DYNAMIC_KEYS = dynamicKeys();

    /** One consistent state: the static configuration, the dynamic values of each level, and the result. */
    public record Snapshot(
            BrokerConfig staticConfig,
            Map<String, String> perBroker,
            Map<String, String> clusterDefault,
            BrokerConfig effective) {

        /** The dynamic values of {@code level}, sorted by key. */
        public Map<String, String> values(Level level) {
            return level == Level.BROKER ? perBroker : clusterDefault;
        }
    }

    private final DynamicConfigFile file;
    private final List<BrokerReconfigurable> reconfigurables = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;

    private DynamicBrokerConfig(DynamicConfigFile file, Snapshot snapshot) {
        this.file = file;
        this.snapshot = snapshot;
    }

    /**
     * The static configuration with the dynamic values stored in {@code path}. A stored value that
     * is no longer dynamic or no longer valid is ignored (logged as an error), as Kafka ignores
     * such values; if the stored values together are inconsistent, all of them are.
     *
     * @throws IOException when the file cannot be read
     */
    public static DynamicBrokerConfig load(BrokerConfig staticConfig, Path path) throws IOException {
        DynamicConfigFile file = new DynamicConfigFile(path);
        Map<Level, Map<String, String>> stored = file.read();
        Map<String, String> perBroker = usable(stored.get(Level.BROKER), Level.BROKER);
        Map<String, String> clusterDefault = usable(stored.get(Level.CLUSTER_DEFAULT), Level.CLUSTER_DEFAULT);
        BrokerConfig effective;
        try {
            effective = merge(staticConfig, clusterDefault, perBroker);
        } catch (ConfigException e) {
            log.error(
                    "The dynamic broker configuration in {} does not fit the static configuration ({}); it is ignored"
                            + " until it is changed through the Admin API",
                    path,
                    e.getMessage());
            perBroker = Map.of();
            clusterDefault = Map.of();
            effective = staticConfig;
        }
        if (!perBroker.isEmpty() || !clusterDefault.isEmpty()) {
            log.info(
                    "Dynamic broker configuration: {} for this broker, {} as cluster defaults",
                    loggable(perBroker),
                    loggable(clusterDefault));
        }
        return new DynamicBrokerConfig(file, new Snapshot(staticConfig, perBroker, clusterDefault, effective));
    }

    /** Whether a change of {@code key} takes effect without a restart. */
    public static boolean isDynamic(String key) {
        return DYNAMIC_KEYS.contains(key);
    }

    /** The configuration in effect now. */
    public BrokerConfig current() {
        return snapshot.effective();
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** Registers a part of the broker that applies changes; it is asked to validate every later change. */
    public void addReconfigurable(BrokerReconfigurable reconfigurable) {
        reconfigurables.add(reconfigurable);
    }

    /**
     * Replaces all dynamic values of {@code level} with those {@code newValues} computes from the
     * current state (no null values): validated as Kafka validates them, then, unless
     * {@code validateOnly}, persisted and applied. Nothing changes when any value is refused.
     * Changes are serialised, so {@code newValues} may read, modify and write.
     *
     * @throws InvalidRequestException naming the keys that cannot change dynamically, or saying
     *     what is wrong with a value
     * @throws KafkaStorageException when the values cannot be persisted
     */
    public synchronized void alter(
            Level level, Function<Snapshot, Map<String, String>> newValues, boolean validateOnly) {
        Snapshot current = snapshot;
        Map<String, String> values = newValues.apply(current);
        Set<String> readOnly = new TreeSet<>();
        for (String key : values.keySet()) {
            if (BrokerConfig.isKnownKey(key) && !isDynamic(key)) {
                readOnly.add(key);
            }
        }
        if (!readOnly.isEmpty()) {
            throw new InvalidRequestException("Cannot update these configs dynamically: " + readOnly);
        }
        Map<String, String> sorted = Collections.unmodifiableMap(new TreeMap<>(values));
        Map<String, String> perBroker = level == Level.BROKER ? sorted : current.perBroker();
        Map<String, String> clusterDefault = level == Level.CLUSTER_DEFAULT ? sorted : current.clusterDefault();
        BrokerConfig effective;
        try {
            effective = merge(current.staticConfig(), clusterDefault, perBroker);
            for (BrokerReconfigurable r : reconfigurables) {
                r.validateReconfiguration(effective);
            }
        } catch (ConfigException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        if (validateOnly || sorted.equals(current.values(level))) {
            return;
        }
        Map<Level, Map<String, String>> stored = new EnumMap<>(Level.class);
        stored.put(Level.BROKER, perBroker);
        stored.put(Level.CLUSTER_DEFAULT, clusterDefault);
        try {
            file.write(stored);
        } catch (IOException e) {
            log.error("Could not persist the dynamic broker configuration in {}: {}", file.path(), e.toString(), e);
            throw new KafkaStorageException("Could not persist the dynamic broker configuration: " + e.getMessage(), e);
        }
        snapshot = new Snapshot(current.staticConfig(), perBroker, clusterDefault, effective);
        log.info("Dynamic broker configuration of level {} is now {}", level, loggable(sorted));
        Set<String> unknown = new TreeSet<>(sorted.keySet());
        unknown.removeIf(BrokerConfig::isKnownKey);
        if (!unknown.isEmpty()) {
            log.warn("Stored dynamic broker configs {} that Millrace does not know; nothing reads them", unknown);
        }
        for (BrokerReconfigurable r : reconfigurables) {
            try {
                r.reconfigure(current.effective(), effective);
            } catch (RuntimeException e) {
                log.error("{} failed to apply the new broker configuration; it keeps its previous settings", r, e);
            }
        }
    }

    /** Values fit for the log: those of unknown keys hidden, since a custom config may hold a secret (as in Kafka). */
    private static Map<String, String> loggable(Map<String, String> values) {
        Map<String, String> loggable = new TreeMap<>(values);
        loggable.replaceAll((key, value) -> BrokerConfig.isKnownKey(key) ? value : "[hidden]");
        return loggable;
    }

    /** The static configuration overlaid with the known keys of the cluster defaults, then of the per-broker values. */
    private static BrokerConfig merge(
            BrokerConfig staticConfig, Map<String, String> clusterDefault, Map<String, String> perBroker) {
        if (clusterDefault.isEmpty() && perBroker.isEmpty()) {
            return staticConfig;
        }
        Map<String, String> merged = new LinkedHashMap<>(staticConfig.explicitValues());
        for (Map<String, String> layer : List.of(clusterDefault, perBroker)) {
            layer.forEach((key, value) -> {
                if (BrokerConfig.isKnownKey(key)) {
                    merged.put(key, value);
                }
            });
        }
        return BrokerConfig.parse(merged);
    }

    /** The stored values of a level that may still be applied: unknown keys, and dynamic keys with valid values. */
    private static Map<String, String> usable(Map<String, String> stored, Level level) {
        Map<String, String> usable = new TreeMap<>();
        stored.forEach((key, value) -> {
            if (!BrokerConfig.isKnownKey(key)) {
                usable.put(key, value);
            } else if (!isDynamic(key)) {
                log.error("Ignoring the stored {} value of {}: it cannot be set dynamically", level, key);
            } else {
                try {
                    BrokerConfig.DEFINITION.parse(Map.of(key, value));
                    usable.put(key, value);
                } catch (ConfigException e) {
                    log.error("Ignoring the stored {} value of {}: {}", level, key, e.getMessage());
                }
            }
        });
        return Collections.unmodifiableMap(usable);
    }

    private static Set<String> dynamicKeys() {
        Set<String> keys = new TreeSet<>(List.of(
                // The broker defaults of topic settings (LogConfig.BROKER_SYNONYMS): a topic reads its
                // settings at every use, so a new default applies at once to topics without an override.
                BrokerConfig.LOG_CLEANUP_POLICY,
                BrokerConfig.COMPRESSION_TYPE,
                BrokerConfig.COMPRESSION_GZIP_LEVEL,
                BrokerConfig.COMPRESSION_LZ4_LEVEL,
                BrokerConfig.COMPRESSION_ZSTD_LEVEL,
                BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS,
                BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS,
                BrokerConfig.LOG_FLUSH_INTERVAL_MS,
                BrokerConfig.LOG_INDEX_INTERVAL_BYTES,
                BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS,
                BrokerConfig.MESSAGE_MAX_BYTES,
                BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE,
                BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO,
                BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS,
                BrokerConfig.MIN_INSYNC_REPLICAS,
                BrokerConfig.LOG_RETENTION_BYTES,
                BrokerConfig.LOG_RETENTION_MS,
                BrokerConfig.LOG_SEGMENT_BYTES,
                BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES,
                BrokerConfig.LOG_ROLL_JITTER_MS,
                BrokerConfig.LOG_ROLL_MS,
                BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE,
                // The log cleaner restarts its threads with new threads or buffers.
                BrokerConfig.LOG_CLEANER_THREADS,
                BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE,
                BrokerConfig.LOG_CLEANER_IO_BUFFER_SIZE,
                BrokerConfig.LOG_CLEANER_BACKOFF_MS,
                // Read at every producer expiry pass.
                BrokerConfig.PRODUCER_ID_EXPIRATION_MS,
                // The listeners' connection limits.
                BrokerConfig.MAX_CONNECTIONS,
                BrokerConfig.MAX_CONNECTIONS_PER_IP,
                BrokerConfig.MAX_CONNECTIONS_PER_IP_OVERRIDES));
        return Collections.unmodifiableSet(keys);
    }
}
