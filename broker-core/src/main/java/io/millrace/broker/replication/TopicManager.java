package io.millrace.broker.replication;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.BrokerReconfigurable;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.PartitionLog;
import io.millrace.broker.stream.TopicName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
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
 * <p>Lookups are lock-free over immutable {@link TopicState} snapshots, by name or id in constant
 * time whatever the number of topics; {@link #topics()} is a view kept sorted by name, so listing
 * never sorts. Changes are serialised on this object. A change that adds partitions (a creation, a
 * growth) makes their logs first and then commits the metadata, one commit for a whole batch of
 * creations (see {@link MetadataStore}); if the commit fails the new logs are removed again. A
 * deletion commits first and then removes the logs. Startup repairs whatever a crash left half
 * done: logs of an uncommitted topic are orphans the log manager moves away, missing logs of a
 * committed topic are created. Failures surface as Kafka
 * {@link org.apache.kafka.common.errors.ApiException}s with messages meant for the person who sent
 * the request.
 *
 * <p>Internal topics the broker itself writes ({@code __consumer_offsets}) are created with
 * {@link #createInternalTopic} and can then be neither deleted nor grown by clients.
 * {@link TopicChangeListener}s hear about every creation, growth and deletion.
 *
 * <p>A change of the broker's defaults of topic settings ({@link #reconfigure}) applies at once to
 * every partition: topics without an override take the new default, overrides stay.
 */
public final class TopicManager implements BrokerReconfigurable {

    private static final Logger log = LoggerFactory.getLogger(TopicManager.class);
    /** Single node: every partition's only replica and leader. */
    public static final int LEADER_EPOCH = 0;

    private final BrokerConfig config;
    private final MetadataStore store;
    private final LogManager logs;
    private volatile Defaults defaults;

    private final ConcurrentHashMap<String, TopicState> byName = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, TopicState> sortedByName = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<Uuid, TopicState> byId = new ConcurrentHashMap<>();
    /** Topic names by {@link TopicName#collisionKey}; guarded by this object. */
    private final Map<String, String> byCollisionKey = new HashMap<>();

    private final ConcurrentHashMap<PartitionLog, LocalPartition> byLog = new ConcurrentHashMap<>();
    private final Set<String> brokerOwned = ConcurrentHashMap.newKeySet();
    private final List<TopicChangeListener> listeners = new CopyOnWriteArrayList<>();

    public TopicManager(BrokerConfig config, MetadataStore store, LogManager logs) {
        this.config = config;
        this.store = store;
        this.logs = logs;
        this.defaults = Defaults.of(config);
    }

    /**
     * The broker-level defaults of every topic config key, and the configuration of every topic
     * without overrides (most topics), built once per change of the defaults.
     */
    private record Defaults(Map<String, Object> values, LogConfig logConfig) {

        /** @throws ConfigException when the defaults are inconsistent */
        static Defaults of(BrokerConfig broker) {
            Map<String, Object> values = LogConfig.brokerDefaults(broker);
            return new Defaults(values, LogConfig.of(values, Map.of()));
        }
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
            publish(t, openLogs(t, 0, logConfig(t.configs())));
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

    /** All topics, sorted by name: a live view, consistent per topic, that nothing has to sort. */
    public Collection<TopicState> topics() {
        return Collections.unmodifiableCollection(sortedByName.values());
    }

    /** The topics whose name is {@code first} or sorts after it, sorted by name (a live view). */
    public Collection<TopicState> topicsFrom(String first) {
        return Collections.unmodifiableCollection(
                sortedByName.tailMap(first, true).values());
    }

    /** The broker-level defaults of every topic config key. */
    public Map<String, Object> topicDefaults() {
        return defaults.values();
    }

    /**
     * Checks that the topic defaults of {@code next} suit every topic: with some overrides, a new
     * default can make a topic's settings inconsistent (a minimum compaction lag above the maximum).
     */
    @Override
    public void validateReconfiguration(BrokerConfig next) {
        Map<String, Object> values = LogConfig.brokerDefaults(next);
        if (values.equals(defaults.values())) {
            return;
        }
        try {
            LogConfig.of(values, Map.of());
        } catch (ConfigException e) {
            throw new ConfigException("The broker defaults of topic settings would be invalid: " + e.getMessage());
        }
        for (TopicState topic : byName.values()) {
            Map<String, String> overrides = topic.metadata().configs();
            if (!overrides.isEmpty()) {
                try {
                    LogConfig.of(values, overrides);
                } catch (ConfigException e) {
                    throw new ConfigException("The new broker defaults do not suit the overrides of topic '"
                            + topic.name() + "': " + e.getMessage());
                }
            }
        }
    }

    /** Gives every partition its configuration under the topic defaults of {@code next}. */
    @Override
    public synchronized void reconfigure(BrokerConfig previous, BrokerConfig next) {
        Map<String, Object> values = LogConfig.brokerDefaults(next);
        if (values.equals(defaults.values())) {
            return;
        }
        Defaults updated = Defaults.of(next);
        defaults = updated;
        for (TopicState topic : byName.values()) {
            Map<String, String> overrides = topic.metadata().configs();
            LogConfig logConfig;
            try {
                logConfig = overrides.isEmpty() ? updated.logConfig() : LogConfig.of(updated.values(), overrides);
            } catch (ConfigException e) {
                log.error(
                        "Topic '{}' keeps its previous configuration: its overrides do not suit the new broker"
                                + " defaults ({})",
                        topic.name(),
                        e.getMessage());
                continue;
            }
            for (LocalPartition p : topic.partitions()) {
                p.log().updateConfig(logConfig);
            }
        }
        log.info("Topics without overrides of their own now default to {}", updated.logConfig());
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
        Defaults current = defaults;
        if (overrides.isEmpty()) {
            return current.logConfig();
        }
        try {
            return LogConfig.of(current.values(), overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /**
     * Creates a topic.
     *
     * @param partitions -1 for {@code num.partitions}
     * @param replicationFactor -1 for {@code default.replication.factor}
     * @throws org.apache.kafka.common.errors.ApiException why the topic cannot be created
     */
    public TopicState create(
            String name, int partitions, short replicationFactor, Map<String, String> configs, boolean validateOnly) {
        return create(List.of(new NewTopic(name, partitions, replicationFactor, configs)), validateOnly)
                .get(0)
                .orThrow();
    }

    /**
     * Creates topics: validates each (a topic is also checked against the ones before it in the
     * list), creates the partition logs of the valid ones, and commits all of them with one durable
     * metadata write before returning. Each topic succeeds or fails on its own, except that a failed
     * commit fails every topic that reached it.
     *
     * @return one outcome per requested topic, in order
     */
    public synchronized List<TopicCreation> create(List<NewTopic> requested, boolean validateOnly) {
        TopicCreation[] outcomes = new TopicCreation[requested.size()];
        List<Planned> planned = new ArrayList<>();
        Map<String, String> batchCollisionKeys = new HashMap<>();
        for (int i = 0; i < requested.size(); i++) {
            try {
                planned.add(new Planned(i, validate(requested.get(i), batchCollisionKeys), List.of()));
            } catch (ApiException e) {
                outcomes[i] = TopicCreation.refused(e);
            }
        }
        if (validateOnly) {
            planned.forEach(p -> outcomes[p.index()] = TopicCreation.created(new TopicState(p.metadata(), List.of())));
            return List.of(outcomes);
        }
        List<Planned> ready = new ArrayList<>();
        for (Planned p : planned) {
            try {
                ready.add(p.withLogs(
                        openLogs(p.metadata(), 0, logConfig(p.metadata().configs()))));
            } catch (KafkaStorageException | InvalidTopicException e) {
                outcomes[p.index()] = TopicCreation.refused(e);
            }
        }
        try {
            store.commit(ready.stream()
                    .map(p -> new TopicChange.Create(p.metadata()))
                    .toList());
        } catch (IOException e) {
            KafkaStorageException error = storageError("create " + ready.size() + " topics", e);
            for (Planned p : ready) {
                discardLogs(p.metadata().name(), 0, p.logs().size());
                outcomes[p.index()] = TopicCreation.refused(error);
            }
            return List.of(outcomes);
        }
        for (Planned p : ready) {
            TopicMetadata metadata = p.metadata();
            outcomes[p.index()] = TopicCreation.created(publish(metadata, p.logs()));
            log.info(
                    "Created topic '{}' (id {}) with {} partitions{}",
                    metadata.name(),
                    metadata.topicId(),
                    metadata.partitionCount(),
                    metadata.configs().isEmpty() ? "" : " and configs " + metadata.configs());
            listeners.forEach(l -> l.topicCreated(metadata));
        }
        return List.of(outcomes);
    }

    /** A valid topic of a batch being created: its place in the batch, its metadata and, once made, its logs. */
    private record Planned(int index, TopicMetadata metadata, List<PartitionLog> logs) {

        Planned withLogs(List<PartitionLog> made) {
            return new Planned(index, metadata, made);
        }
    }

    /** Validates one topic of a batch and gives it an id; its name joins {@code batchCollisionKeys}. */
    private TopicMetadata validate(NewTopic topic, Map<String, String> batchCollisionKeys) {
        String name = topic.name();
        TopicName.validate(name);
        String collisionKey = TopicName.collisionKey(name);
        String existing = byCollisionKey.get(collisionKey);
        if (existing == null) {
            existing = batchCollisionKeys.get(collisionKey);
        }
        if (name.equals(existing)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        if (existing != null) {
            throw new InvalidTopicException("Topic '" + name + "' collides with existing topic '" + existing
                    + "': '.' and '_' are interchangeable in metric names");
        }
        int count = topic.partitions() == -1 ? config.getInt(BrokerConfig.NUM_PARTITIONS) : topic.partitions();
        if (count < 1) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        short rf = topic.replicationFactor() == -1
                ? config.getShort(BrokerConfig.DEFAULT_REPLICATION_FACTOR)
                : topic.replicationFactor();
        if (rf < 1) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (rf > 1) {
            throw new InvalidReplicationFactorException(
                    "Replication factor: " + rf + " larger than available brokers: 1.");
        }
        logConfig(topic.configs());
        batchCollisionKeys.put(collisionKey, name);
        return new TopicMetadata(name, Uuid.randomUuid(), count, topic.configs());
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
        commit(new TopicChange.Delete(state.metadata().topicId()), "delete topic '" + name + "'");
        byName.remove(name);
        sortedByName.remove(name);
        byId.remove(state.metadata().topicId());
        byCollisionKey.remove(TopicName.collisionKey(name));
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
        List<PartitionLog> added = openLogs(grown, current, logConfig(grown.configs()));
        try {
            commit(new TopicChange.Alter(grown), "add partitions to topic '" + name + "'");
        } catch (KafkaStorageException e) {
            discardLogs(name, current, totalCount);
            throw e;
        }
        TopicState updated = publish(grown, added);
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
        commit(new TopicChange.Alter(altered), "alter the configuration of topic '" + name + "'");
        for (LocalPartition p : state.partitions()) {
            p.log().updateConfig(logConfig);
        }
        TopicState updated = new TopicState(altered, state.partitions());
        put(updated);
        log.info("Topic '{}' configuration overrides are now {}", name, overrides);
        return updated;
    }

    /**
     * Opens (or creates) the logs of the topic's partitions from {@code first} on; if one fails, the
     * ones created here are discarded again.
     *
     * @throws KafkaStorageException when a log cannot be created
     * @throws InvalidTopicException when the topic's name cannot be stored
     */
    private List<PartitionLog> openLogs(TopicMetadata metadata, int first, LogConfig logConfig) {
        List<PartitionLog> opened = new ArrayList<>(metadata.partitionCount() - first);
        for (int i = first; i < metadata.partitionCount(); i++) {
            try {
                Optional<PartitionLog> existing = logs.log(metadata.name(), i);
                opened.add(existing.isPresent() ? existing.get() : logs.createLog(metadata.name(), i, logConfig));
            } catch (IOException e) {
                discardLogs(metadata.name(), first, i);
                throw storageError("create partition " + i + " of topic '" + metadata.name() + "'", e);
            } catch (IllegalArgumentException e) {
                // The name cannot be stored (too long a directory name).
                discardLogs(metadata.name(), first, i);
                throw new InvalidTopicException(e.getMessage());
            }
        }
        return opened;
    }

    /** Removes logs made for a change that was not committed; what cannot be removed is an orphan the next start moves away. */
    private void discardLogs(String topic, int first, int end) {
        for (int i = first; i < end; i++) {
            try {
                logs.deleteLog(topic, i);
            } catch (IOException e) {
                log.warn(
                        "Could not remove partition {} of topic '{}', which was not created: {}",
                        i,
                        topic,
                        e.toString());
            }
        }
    }

    /** Publishes the topic's new snapshot: its existing partitions plus one per log in {@code addedLogs}. */
    private TopicState publish(TopicMetadata metadata, List<PartitionLog> addedLogs) {
        TopicState previous = byName.get(metadata.name());
        List<LocalPartition> partitions = new ArrayList<>(metadata.partitionCount());
        if (previous != null) {
            partitions.addAll(previous.partitions());
        }
        for (PartitionLog partitionLog : addedLogs) {
            LocalPartition partition = new LocalPartition(metadata.topicId(), LEADER_EPOCH, partitionLog);
            byLog.put(partitionLog, partition);
            partitions.add(partition);
        }
        TopicState state = new TopicState(metadata, partitions);
        put(state);
        return state;
    }

    private void put(TopicState state) {
        byName.put(state.name(), state);
        sortedByName.put(state.name(), state);
        byId.put(state.metadata().topicId(), state);
        byCollisionKey.put(TopicName.collisionKey(state.name()), state.name());
    }

    /** Commits one change of an existing topic; a failure is a storage error. */
    private void commit(TopicChange change, String action) {
        try {
            store.commit(List.of(change));
        } catch (IOException e) {
            throw storageError(action, e);
        }
    }

    private static KafkaStorageException storageError(String action, IOException e) {
        log.error("Could not {}: {}. Check the disk and permissions of the data directory.", action, e.toString(), e);
        return new KafkaStorageException("Could not " + action + ": " + e.getMessage(), e);
    }
}
