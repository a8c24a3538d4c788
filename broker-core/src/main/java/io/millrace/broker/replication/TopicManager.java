package io.millrace.broker.replication;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.PartitionLog;
import io.millrace.broker.stream.TopicName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics of this node: creation, deletion, partition growth and configuration, kept in
 * the {@link MetadataStore} and backed by logs in the {@link LogManager}.
 *
 * <p>Lookups are lock-free over immutable {@link TopicState} snapshots; changes are
 * serialised on this object. Each change writes the metadata file first (the commit point)
 * and then creates or removes logs; startup repairs whatever a crash left half done.
 * Failures surface as Kafka {@link org.apache.kafka.common.errors.ApiException}s with
 * messages meant for the person who sent the request.
 *
 * <p>Internal topics the broker itself writes ({@code __consumer_offsets}) are created with
 * {@link #createInternalTopic} and can then be neither deleted nor grown by clients.
 * {@link TopicChangeListener}s hear about every creation, growth and deletion.
 */
public final class TopicManager {

    private static final Logger log = LoggerFactory.getLogger(TopicManager.class);
    /** Single node: every partition's only replica and leader. */
    public static final int LEADER_EPOCH = 0;

    private final BrokerConfig config;
    private final MetadataStore store;
    private final LogManager logs;
    private final Map<String, Object> topicDefaults;
    private final ConcurrentHashMap<String, TopicState> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Uuid, TopicState> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PartitionLog, LocalPartition> byLog = new ConcurrentHashMap<>();
    private final Set<String> brokerOwned = ConcurrentHashMap.newKeySet();
    private final List<TopicChangeListener> listeners = new CopyOnWriteArrayList<>();

    public TopicManager(BrokerConfig config, MetadataStore store, LogManager logs) {
        this.config = config;
        this.store = store;
        this.logs = logs;
        this.topicDefaults = LogConfig.brokerDefaults(config);
    }

    /** Loads topics, recovers their logs and creates any log a crash left missing. */
    public synchronized void startup() throws IOException {
        Map<String, TopicMetadata> loaded = new HashMap<>();
        for (TopicMetadata t : store.loadTopics()) {
            loaded.put(t.name(), t);
        }
        logs.setDurableListener((partitionLog, offset) -> {
            LocalPartition p = byLog.get(partitionLog);
            if (p != null) {
                p.fireWatchers();
            }
        });
        logs.startup(name -> Optional.ofNullable(loaded.get(name)).map(t -> logConfig(t.configs())));
        for (TopicMetadata t : loaded.values()) {
            install(t, logConfig(t.configs()));
        }
        log.info("Loaded {} topics", loaded.size());
    }

    public Optional<TopicState> topic(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<TopicState> topic(Uuid id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The topic, or UnknownTopicOrPartitionException when it does not exist. */
    public TopicState existingTopic(String name) {
        TopicState state = byName.get(name);
        if (state == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        return state;
    }

    /** The partition, or null when the topic or the partition does not exist. */
    public Partition partition(String topic, int index) {
        TopicState state = byName.get(topic);
        return state == null ? null : state.partition(index);
    }

    /** All topics, sorted by name. */
    public List<TopicState> topics() {
        List<TopicState> all = new ArrayList<>(byName.values());
        all.sort(Comparator.comparing(TopicState::name));
        return all;
    }

    /** The broker-level defaults of every topic config key. */
    public Map<String, Object> topicDefaults() {
        return topicDefaults;
    }

    /** Registers a listener for topic creation, growth and deletion. */
    public void addListener(TopicChangeListener listener) {
        listeners.add(listener);
    }

    /**
     * Creates an internal topic the broker itself owns (such as {@code __consumer_offsets}) unless
     * it exists, and marks it broker-owned: clients may then neither produce to it, delete it nor
     * change its partition count. An existing topic keeps its partition count and configuration.
     */
    public synchronized TopicState createInternalTopic(String name, int partitions, Map<String, String> configs) {
        if (!TopicName.isInternal(name)) {
            throw new IllegalArgumentException(name + " is not an internal topic name");
        }
        brokerOwned.add(name);
        TopicState existing = byName.get(name);
        if (existing != null) {
            if (existing.metadata().partitionCount() != partitions) {
                log.info(
                        "Internal topic '{}' exists with {} partitions (configured: {}); keeping {}",
                        name,
                        existing.metadata().partitionCount(),
                        partitions,
                        existing.metadata().partitionCount());
            }
            return existing;
        }
        return create(name, partitions, (short) -1, configs, false);
    }

    /** Whether the topic is internal to the broker (written only by the broker itself). */
    public boolean isBrokerOwned(String name) {
        return brokerOwned.contains(name);
    }

    /** Validates overrides and returns the effective configuration, or throws InvalidConfigurationException. */
    public LogConfig logConfig(Map<String, String> overrides) {
        try {
            return LogConfig.of(topicDefaults, overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /**
     * Creates a topic.
     *
     * @param partitions -1 for {@code num.partitions}
     * @param replicationFactor -1 for {@code default.replication.factor}
     */
    public synchronized TopicState create(
            String name, int partitions, short replicationFactor, Map<String, String> configs, boolean validateOnly) {
        TopicName.validate(name);
        if (byName.containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        String collisionKey = TopicName.collisionKey(name);
        for (String existing : byName.keySet()) {
            if (TopicName.collisionKey(existing).equals(collisionKey)) {
                throw new InvalidTopicException("Topic '" + name + "' collides with existing topic '" + existing
                        + "': '.' and '_' are interchangeable in metric names");
            }
        }
        int count = partitions == -1 ? config.getInt(BrokerConfig.NUM_PARTITIONS) : partitions;
        if (count < 1) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        short rf =
                replicationFactor == -1 ? config.getShort(BrokerConfig.DEFAULT_REPLICATION_FACTOR) : replicationFactor;
        if (rf < 1) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (rf > 1) {
            throw new InvalidReplicationFactorException(
                    "Replication factor: " + rf + " larger than available brokers: 1.");
        }
        LogConfig logConfig = logConfig(configs);
        TopicMetadata metadata = new TopicMetadata(name, Uuid.randomUuid(), count, configs);
        if (validateOnly) {
            return new TopicState(metadata, List.of());
        }
        writeTopic(metadata, "create topic '" + name + "'");
        TopicState state = install(metadata, logConfig);
        log.info(
                "Created topic '{}' (id {}) with {} partitions{}",
                name,
                metadata.topicId(),
                count,
                configs.isEmpty() ? "" : " and configs " + configs);
        listeners.forEach(l -> l.topicCreated(metadata));
        return state;
    }

    /** Creates a topic with defaults if auto-creation is on and it does not exist yet. */
    public Optional<TopicState> autoCreate(String name) {
        TopicState existing = byName.get(name);
        if (existing != null) {
            return Optional.of(existing);
        }
        if (!config.getBoolean(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE)) {
            return Optional.empty();
        }
        synchronized (this) {
            existing = byName.get(name);
            if (existing != null) {
                return Optional.of(existing);
            }
            return Optional.of(create(name, -1, (short) -1, Map.of(), false));
        }
    }

    public synchronized void delete(String name) {
        if (!config.getBoolean(BrokerConfig.DELETE_TOPIC_ENABLE)) {
            throw new TopicDeletionDisabledException("Topic deletion is disabled (delete.topic.enable=false).");
        }
        TopicState state = existingTopic(name);
        if (brokerOwned.contains(name)) {
            throw new InvalidTopicException(
                    "Topic '" + name + "' is an internal topic of the broker and cannot be " + "deleted.");
        }
        try {
            store.deleteTopic(state.metadata().topicId());
        } catch (IOException e) {
            throw storageError("delete topic '" + name + "'", e);
        }
        byName.remove(name);
        byId.remove(state.metadata().topicId());
        for (LocalPartition p : state.partitions()) {
            byLog.remove(p.log());
            p.markDeleted();
            try {
                logs.deleteLog(name, p.topicPartition().partition());
            } catch (IOException e) {
                log.error(
                        "Topic '{}' is deleted but the files of partition {} could not be moved away: {}. "
                                + "They will be cleaned up at the next start.",
                        name,
                        p.topicPartition().partition(),
                        e.toString());
            }
        }
        log.info("Deleted topic '{}' (id {})", name, state.metadata().topicId());
        listeners.forEach(l -> l.topicDeleted(state.metadata()));
    }

    public synchronized TopicState addPartitions(String name, int totalCount, boolean validateOnly) {
        TopicState state = existingTopic(name);
        int current = state.metadata().partitionCount();
        if (brokerOwned.contains(name)) {
            throw new InvalidPartitionsException("Topic '" + name + "' is an internal topic of the broker; its "
                    + "partition count cannot change (groups are mapped to its partitions by hash).");
        }
        if (totalCount == current) {
            throw new InvalidPartitionsException("Topic already has " + current + " partitions.");
        }
        if (totalCount < current) {
            throw new InvalidPartitionsException("Topic currently has " + current
                    + " partitions, which is higher than the requested " + totalCount + ".");
        }
        TopicMetadata grown = state.metadata().withPartitionCount(totalCount);
        if (validateOnly) {
            return new TopicState(grown, state.partitions());
        }
        writeTopic(grown, "add partitions to topic '" + name + "'");
        TopicState updated = install(grown, logConfig(grown.configs()));
        log.info("Topic '{}' grew from {} to {} partitions", name, current, totalCount);
        listeners.forEach(l -> l.partitionsAdded(grown));
        return updated;
    }

    /** Replaces a topic's configuration overrides. */
    public synchronized TopicState alterConfigs(String name, Map<String, String> overrides, boolean validateOnly) {
        TopicState state = existingTopic(name);
        LogConfig logConfig = logConfig(overrides);
        TopicMetadata altered = state.metadata().withConfigs(overrides);
        if (validateOnly) {
            return new TopicState(altered, state.partitions());
        }
        writeTopic(altered, "alter the configuration of topic '" + name + "'");
        for (LocalPartition p : state.partitions()) {
            p.log().updateConfig(logConfig);
        }
        TopicState updated = new TopicState(altered, state.partitions());
        byName.put(name, updated);
        byId.put(altered.topicId(), updated);
        log.info("Topic '{}' configuration overrides are now {}", name, overrides);
        return updated;
    }

    /** Creates (or reopens) every partition log of the topic and publishes the new snapshot. */
    private TopicState install(TopicMetadata metadata, LogConfig logConfig) {
        List<LocalPartition> partitions = new ArrayList<>(metadata.partitionCount());
        TopicState previous = byName.get(metadata.name());
        for (int i = 0; i < metadata.partitionCount(); i++) {
            if (previous != null && i < previous.partitions().size()) {
                partitions.add(previous.partitions().get(i));
                continue;
            }
            PartitionLog partitionLog;
            try {
                Optional<PartitionLog> existing = logs.log(metadata.name(), i);
                partitionLog = existing.isPresent() ? existing.get() : logs.createLog(metadata.name(), i, logConfig);
            } catch (IOException e) {
                throw storageError("create partition " + i + " of topic '" + metadata.name() + "'", e);
            }
            LocalPartition partition = new LocalPartition(metadata.topicId(), LEADER_EPOCH, partitionLog);
            byLog.put(partitionLog, partition);
            partitions.add(partition);
        }
        TopicState state = new TopicState(metadata, partitions);
        byName.put(metadata.name(), state);
        byId.put(metadata.topicId(), state);
        return state;
    }

    /** Writes the topic's metadata file, the commit point of every change; a failure is a storage error. */
    private void writeTopic(TopicMetadata metadata, String action) {
        try {
            store.writeTopic(metadata);
        } catch (IOException e) {
            throw storageError(action, e);
        }
    }

    private static KafkaStorageException storageError(String action, IOException e) {
        log.error("Could not {}: {}. Check the disk and permissions of the data directory.", action, e.toString(), e);
        return new KafkaStorageException("Could not " + action + ": " + e.getMessage(), e);
    }
}
