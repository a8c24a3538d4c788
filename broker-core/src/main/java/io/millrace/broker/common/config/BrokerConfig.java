package io.millrace.broker.common.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The broker's static configuration: every key the broker understands, its type, default,
 * validation and documentation, and the values in effect.
 *
 * <p>Keys use Apache Kafka's broker names where the meaning is the same. Values are layered
 * by {@link ConfigLoader} (defaults &lt; properties file &lt; {@code MILLRACE_*} environment
 * &lt; command-line overrides); this class only parses and validates the merged result.
 * Immutable and thread-safe.
 */
public final class BrokerConfig {

    public static final String NODE_ID = "node.id";
    public static final String BROKER_RACK = "broker.rack";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String SOCKET_LISTEN_BACKLOG_SIZE = "socket.listen.backlog.size";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String CONNECTION_MAX_INFLIGHT_REQUESTS = "connection.max.inflight.requests";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String MAX_CONNECTIONS_PER_IP_OVERRIDES = "max.connections.per.ip.overrides";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_ROLL_JITTER_MS = "log.roll.jitter.ms";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_FLUSH_THREADS = "log.flush.threads";
    public static final String LOG_PREALLOCATE_BYTES = "log.preallocate.bytes";
    public static final String LOG_OPEN_FILES_MAX = "log.open.files.max";
    public static final String LOG_MAPPED_INDEXES_MAX = "log.mapped.indexes.max";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_SIZE = "log.cleaner.io.buffer.size";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    // --- group coordinator (consumer groups and committed offsets)
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_MS = "offsets.retention.ms";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String GROUP_COORDINATOR_REBALANCE_PROTOCOLS = "group.coordinator.rebalance.protocols";
    public static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_SIZE = "group.consumer.max.size";
    public static final String GROUP_CONSUMER_ASSIGNORS = "group.consumer.assignors";
    // --- transaction coordinator
    public static final String TRANSACTION_STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    public static final String TRANSACTION_STATE_LOG_SEGMENT_BYTES = "transaction.state.log.segment.bytes";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_REMOVE_EXPIRED_TRANSACTION_CLEANUP_INTERVAL_MS =
            "transaction.remove.expired.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_PARTITION_VERIFICATION_ENABLE = "transaction.partition.verification.enable";

    /** Every key the broker understands. */
    public static final ConfigDef DEFINITION = define();

    private final Map<String, Object> values;
    private final Map<String, String> explicit;

    private BrokerConfig(Map<String, Object> values, Map<String, String> explicit) {
        this.values = Collections.unmodifiableMap(values);
        this.explicit = Collections.unmodifiableMap(explicit);
    }

    /**
     * Parses and validates explicitly set values; keys not in {@link #DEFINITION} must have been
     * removed (and reported) by the caller.
     *
     * @throws ConfigException naming the key, the value and what is wrong with it
     */
    public static BrokerConfig parse(Map<String, String> explicitValues) {
        Map<String, String> explicit = new LinkedHashMap<>(explicitValues);
        if (!explicit.containsKey(LOG_DIRS) && explicit.containsKey(LOG_DIR)) {
            explicit.put(LOG_DIRS, explicit.get(LOG_DIR));
        }
        Map<String, Object> parsed = new LinkedHashMap<>(DEFINITION.parse(explicit));
        BrokerConfig config = new BrokerConfig(parsed, explicit);
        config.validateCrossFieldRules();
        return config;
    }

    /** The default configuration, as a broker started with no settings would use. */
    public static BrokerConfig defaults() {
        return parse(Map.of());
    }

    public static boolean isKnownKey(String key) {
        return DEFINITION.names().contains(key);
    }

    private void validateCrossFieldRules() {
        if (getShort(DEFAULT_REPLICATION_FACTOR) != 1) {
            throw new ConfigException(
                    DEFAULT_REPLICATION_FACTOR,
                    values.get(DEFAULT_REPLICATION_FACTOR),
                    "a single-node Millrace broker can only hold one replica of each partition; use 1");
        }
        if (getList(LOG_DIRS).isEmpty()) {
            throw new ConfigException(LOG_DIRS, "", "at least one log directory is required");
        }
        if (getList(LISTENERS).isEmpty()) {
            throw new ConfigException(LISTENERS, "", "at least one listener is required");
        }
        if (getInt(GROUP_MIN_SESSION_TIMEOUT_MS) > getInt(GROUP_MAX_SESSION_TIMEOUT_MS)) {
            throw new ConfigException(
                    GROUP_MIN_SESSION_TIMEOUT_MS,
                    values.get(GROUP_MIN_SESSION_TIMEOUT_MS),
                    "must not be larger than " + GROUP_MAX_SESSION_TIMEOUT_MS + "="
                            + values.get(GROUP_MAX_SESSION_TIMEOUT_MS));
        }
        if (getInt(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS) >= getInt(GROUP_CONSUMER_SESSION_TIMEOUT_MS)) {
            throw new ConfigException(
                    GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS,
                    values.get(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS),
                    "must be smaller than " + GROUP_CONSUMER_SESSION_TIMEOUT_MS + "="
                            + values.get(GROUP_CONSUMER_SESSION_TIMEOUT_MS));
        }
        if (!getList(GROUP_COORDINATOR_REBALANCE_PROTOCOLS).contains("classic")) {
            throw new ConfigException(
                    GROUP_COORDINATOR_REBALANCE_PROTOCOLS,
                    values.get(GROUP_COORDINATOR_REBALANCE_PROTOCOLS),
                    "must include 'classic'");
        }
        Long offsetsRetentionMs = (Long) values.get(OFFSETS_RETENTION_MS);
        if (offsetsRetentionMs != null && offsetsRetentionMs < 1) {
            throw new ConfigException(OFFSETS_RETENTION_MS, offsetsRetentionMs, "must be at least 1");
        }
        if (getList(GROUP_CONSUMER_ASSIGNORS).isEmpty()) {
            throw new ConfigException(GROUP_CONSUMER_ASSIGNORS, "", "at least one assignor is required");
        }
        if (getInt(MAX_CONNECTIONS_PER_IP) == 0
                && maxConnectionsPerIpOverrides().isEmpty()) {
            throw new ConfigException(
                    MAX_CONNECTIONS_PER_IP, 0, "can be 0 only when " + MAX_CONNECTIONS_PER_IP_OVERRIDES + " is set");
        }
    }

    /** The value in effect (parsed to its type), default included. */
    public Object get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("Unknown broker configuration key: " + key);
        }
        return values.get(key);
    }

    /** Whether the key was set explicitly (file, environment or override) rather than defaulted. */
    public boolean isExplicit(String key) {
        return explicit.containsKey(key);
    }

    /** Explicitly set keys and their raw string values. */
    public Map<String, String> explicitValues() {
        return explicit;
    }

    /** Every key's value in effect, parsed to its type. */
    public Map<String, Object> values() {
        return values;
    }

    public int getInt(String key) {
        return (Integer) get(key);
    }

    public short getShort(String key) {
        return (Short) get(key);
    }

    public long getLong(String key) {
        return (Long) get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        Object v = get(key);
        return v == null ? List.of() : (List<String>) v;
    }

    public int nodeId() {
        return getInt(NODE_ID);
    }

    public List<String> logDirs() {
        return getList(LOG_DIRS);
    }

    /** Retention in ms from log.retention.ms, .minutes or .hours, the first one set; -1 keeps forever. */
    public long logRetentionMs() {
        Long ms = (Long) get(LOG_RETENTION_MS);
        if (ms != null) {
            return ms < 0 ? -1 : ms;
        }
        Integer minutes = (Integer) get(LOG_RETENTION_MINUTES);
        if (minutes != null) {
            return minutes < 0 ? -1 : minutes * 60_000L;
        }
        int hours = getInt(LOG_RETENTION_HOURS);
        return hours < 0 ? -1 : hours * 3_600_000L;
    }

    /** Segment roll time from log.roll.ms or log.roll.hours. */
    public long logRollMs() {
        Long ms = (Long) get(LOG_ROLL_MS);
        return ms != null ? ms : getInt(LOG_ROLL_HOURS) * 3_600_000L;
    }

    /** max.connections.per.ip.overrides as host (name or address, unresolved) to its connection limit. */
    public Map<String, Integer> maxConnectionsPerIpOverrides() {
        return parseConnectionOverrides(getString(MAX_CONNECTIONS_PER_IP_OVERRIDES));
    }

    /**
     * Parses {@code host:count,host:count}; an IPv6 address is the part before the last colon.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Map<String, Integer> parseConnectionOverrides(String value) {
        Map<String, Integer> overrides = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return overrides;
        }
        for (String entry : value.split(",")) {
            String e = entry.trim();
            int colon = e.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("'" + e + "' is not host:count");
            }
            int count;
            try {
                count = Integer.parseInt(e.substring(colon + 1).trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("the count of '" + e + "' is not a number");
            }
            if (count < 0) {
                throw new IllegalArgumentException("the count of '" + e + "' is negative");
            }
            overrides.put(e.substring(0, colon).trim(), count);
        }
        return overrides;
    }

    private static ConfigDef define() {
        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
        return new ConfigDef()
                // --- node and network
                .define(NODE_ID, Type.INT, 0, atLeast(0), HIGH, "The id of this node, reported to clients in metadata.")
                .define(BROKER_RACK, Type.STRING, null, LOW, "Rack of this broker, reported to clients in metadata.")
                .define(
                        LISTENERS,
                        Type.LIST,
                        "PLAINTEXT://127.0.0.1:9092",
                        HIGH,
                        "Comma-separated listener URIs NAME://host:port the broker binds. Port 0 binds an ephemeral port.")
                .define(
                        ADVERTISED_LISTENERS,
                        Type.LIST,
                        null,
                        HIGH,
                        "Listener URIs handed to clients in metadata when they differ from 'listeners' "
                                + "(e.g. behind NAT). Defaults to 'listeners'.")
                .define(
                        LISTENER_SECURITY_PROTOCOL_MAP,
                        Type.STRING,
                        "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
                        LOW,
                        "Map of listener names to security protocols.")
                .define(
                        NUM_NETWORK_THREADS,
                        Type.INT,
                        cores,
                        atLeast(1),
                        MEDIUM,
                        "Threads that read requests, run the request handlers and write responses.")
                .define(
                        SOCKET_REQUEST_MAX_BYTES,
                        Type.INT,
                        104857600,
                        atLeast(1),
                        MEDIUM,
                        "Largest request frame accepted; a larger size prefix closes the connection before any memory is allocated.")
                .define(
                        SOCKET_SEND_BUFFER_BYTES,
                        Type.INT,
                        102400,
                        atLeast(-1),
                        LOW,
                        "SO_SNDBUF of accepted sockets; -1 uses the OS default.")
                .define(
                        SOCKET_RECEIVE_BUFFER_BYTES,
                        Type.INT,
                        102400,
                        atLeast(-1),
                        LOW,
                        "SO_RCVBUF of accepted sockets; -1 uses the OS default.")
                .define(
                        SOCKET_LISTEN_BACKLOG_SIZE,
                        Type.INT,
                        50,
                        atLeast(1),
                        LOW,
                        "Backlog of pending connections on each listener.")
                .define(
                        CONNECTIONS_MAX_IDLE_MS,
                        Type.LONG,
                        600000L,
                        atLeast(0),
                        MEDIUM,
                        "Connections idle for this long are closed.")
                .define(
                        CONNECTION_MAX_INFLIGHT_REQUESTS,
                        Type.INT,
                        100,
                        atLeast(1),
                        LOW,
                        "Requests one connection may have in progress before the broker stops reading from it. Reading "
                                + "also pauses while a connection's requests in progress hold socket.request.max.bytes, so memory "
                                + "per connection stays bounded.")
                .define(
                        MAX_CONNECTIONS,
                        Type.INT,
                        Integer.MAX_VALUE,
                        atLeast(1),
                        MEDIUM,
                        "Connections the broker holds at most, over all listeners. When it holds this many it stops"
                                + " accepting: a new connection waits (in the listen backlog) until another one closes.")
                .define(
                        MAX_CONNECTIONS_PER_IP,
                        Type.INT,
                        Integer.MAX_VALUE,
                        atLeast(0),
                        MEDIUM,
                        "Connections one client address may hold at most; a connection beyond it is closed as soon as it"
                                + " is accepted. 0 is allowed only with max.connections.per.ip.overrides, to admit only"
                                + " the addresses listed there.")
                .define(
                        MAX_CONNECTIONS_PER_IP_OVERRIDES,
                        Type.STRING,
                        "",
                        ConfigDef.LambdaValidator.with(
                                (name, value) -> {
                                    try {
                                        parseConnectionOverrides((String) value);
                                    } catch (IllegalArgumentException e) {
                                        throw new ConfigException(name, value, e.getMessage());
                                    }
                                },
                                () -> "comma-separated host:count pairs"),
                        MEDIUM,
                        "Per-address exceptions to max.connections.per.ip as comma-separated host:count pairs"
                                + " (\"127.0.0.1:200,client.example.com:10\"); host names are resolved when the setting is"
                                + " applied.")
                // --- topics
                .define(
                        AUTO_CREATE_TOPICS_ENABLE,
                        Type.BOOLEAN,
                        true,
                        HIGH,
                        "Create a topic with default settings when a client produces to or asks metadata for a topic that does not exist.")
                .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, HIGH, "Whether DeleteTopics is allowed.")
                .define(NUM_PARTITIONS, Type.INT, 1, atLeast(1), MEDIUM, "Default number of partitions of a new topic.")
                .define(
                        DEFAULT_REPLICATION_FACTOR,
                        Type.SHORT,
                        (short) 1,
                        MEDIUM,
                        "Default replication factor of a new topic; a single node holds exactly one replica.")
                .define(
                        MIN_INSYNC_REPLICAS,
                        Type.INT,
                        1,
                        atLeast(1),
                        MEDIUM,
                        "Replicas that must hold an acks=all write; more than the replication factor makes acks=all produce fail "
                                + "with NOT_ENOUGH_REPLICAS.")
                .define(
                        UNCLEAN_LEADER_ELECTION_ENABLE,
                        Type.BOOLEAN,
                        false,
                        LOW,
                        "Accepted for compatibility; a single node has no other replica to elect.")
                // --- log
                .define(
                        LOG_DIRS,
                        Type.LIST,
                        "./data",
                        HIGH,
                        "Directories holding partition data; new partitions go to the directory holding the fewest.")
                .define(LOG_DIR, Type.STRING, null, LOW, "Single data directory, used when log.dirs is not set.")
                .define(
                        MESSAGE_MAX_BYTES,
                        Type.INT,
                        1048588,
                        atLeast(0),
                        HIGH,
                        "Largest record batch accepted, after compression.")
                .define(
                        LOG_SEGMENT_BYTES,
                        Type.INT,
                        1073741824,
                        atLeast(1024),
                        HIGH,
                        "Size at which a segment is closed and a new one started.")
                .define(
                        LOG_ROLL_MS,
                        Type.LONG,
                        null,
                        MEDIUM,
                        "Age of a segment's first record after which a new segment is started.")
                .define(
                        LOG_ROLL_HOURS,
                        Type.INT,
                        168,
                        atLeast(1),
                        MEDIUM,
                        "As log.roll.ms, in hours, used when log.roll.ms is not set.")
                .define(
                        LOG_ROLL_JITTER_MS,
                        Type.LONG,
                        0L,
                        atLeast(0),
                        LOW,
                        "Random amount up to this subtracted from the roll time so segments of many partitions do not roll at once.")
                .define(
                        LOG_RETENTION_MS,
                        Type.LONG,
                        null,
                        HIGH,
                        "How long a segment is kept after its newest record; -1 keeps data forever.")
                .define(LOG_RETENTION_MINUTES, Type.INT, null, MEDIUM, "As log.retention.ms, in minutes.")
                .define(
                        LOG_RETENTION_HOURS,
                        Type.INT,
                        168,
                        HIGH,
                        "As log.retention.ms, in hours; used when neither ms nor minutes are set.")
                .define(
                        LOG_RETENTION_BYTES,
                        Type.LONG,
                        -1L,
                        HIGH,
                        "Largest size of a partition before its oldest segments are deleted; -1 means no limit.")
                .define(
                        LOG_RETENTION_CHECK_INTERVAL_MS,
                        Type.LONG,
                        300000L,
                        atLeast(1),
                        MEDIUM,
                        "How often retention is applied.")
                .define(
                        LOG_SEGMENT_DELETE_DELAY_MS,
                        Type.LONG,
                        60000L,
                        atLeast(0),
                        LOW,
                        "Delay between removing a segment from the log and deleting its files, so reads in progress finish.")
                .define(
                        LOG_INDEX_SIZE_MAX_BYTES,
                        Type.INT,
                        10485760,
                        atLeast(4),
                        MEDIUM,
                        "Largest size of a segment's offset or time index; a full index rolls the segment.")
                .define(
                        LOG_INDEX_INTERVAL_BYTES,
                        Type.INT,
                        4096,
                        atLeast(0),
                        MEDIUM,
                        "Bytes of log between index entries.")
                .define(
                        LOG_FLUSH_INTERVAL_MS,
                        Type.LONG,
                        0L,
                        atLeast(0),
                        HIGH,
                        "Longest time data written by acks=0/1 producers may wait before the group-commit thread fsyncs it. "
                                + "acks=all writes are always fsynced before they are acknowledged. Consumers only see fsynced data.")
                .define(
                        LOG_FLUSH_THREADS,
                        Type.INT,
                        1,
                        atLeast(1),
                        MEDIUM,
                        "Threads of the group-commit stage. With one, partitions are fsynced one after another and each fsync "
                                + "covers more data (the fastest setting measured on a 2-core machine); more let fsyncs of different "
                                + "partitions run concurrently, which may pay off with many partitions on several disks or on "
                                + "devices that serve parallel flushes well.")
                .define(
                        LOG_PREALLOCATE_BYTES,
                        Type.INT,
                        8 * 1024 * 1024,
                        atLeast(0),
                        MEDIUM,
                        "Largest zero-filled space kept ahead of the end of a partition's active segment, so that appends "
                                + "overwrite allocated bytes and each group-commit fsync writes data only, not the file's size "
                                + "and block allocation. Grows from 64 KiB while a partition is busy; the unused tail is cut when "
                                + "the segment rolls or the broker stops. 0 turns it off (e.g. on copy-on-write file systems "
                                + "such as btrfs or ZFS, where overwriting gains nothing).")
                .define(
                        LOG_OPEN_FILES_MAX,
                        Type.INT,
                        null,
                        positiveOrUnset(),
                        MEDIUM,
                        "Segment files the broker keeps open at most, shared by all partitions: the least recently used "
                                + "are closed and reopened on their next read or write, so an idle partition holds no file "
                                + "descriptor. Files with writes not yet fsynced or a fetch response in progress stay open "
                                + "beyond it. Not set: half the process's open-file limit (ulimit -n), at least 16.")
                .define(
                        LOG_MAPPED_INDEXES_MAX,
                        Type.INT,
                        null,
                        positiveOrUnset(),
                        MEDIUM,
                        "Offset and time index files the broker keeps memory-mapped at most: the least recently used "
                                + "mappings are dropped (and unmapped at the next garbage collection) and remade on use. Not "
                                + "set: a quarter of vm.max_map_count, at least 16.")
                .define(
                        LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS,
                        Type.INT,
                        60000,
                        atLeast(0),
                        LOW,
                        "How often the recovery point (last fsynced offset) of each partition is checkpointed.")
                .define(
                        LOG_MESSAGE_TIMESTAMP_TYPE,
                        Type.STRING,
                        "CreateTime",
                        ValidString.in("CreateTime", "LogAppendTime"),
                        MEDIUM,
                        "CreateTime keeps the producer's timestamps; LogAppendTime replaces them with the broker's time.")
                .define(
                        LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                        Type.LONG,
                        Long.MAX_VALUE,
                        atLeast(0),
                        MEDIUM,
                        "With CreateTime, how far in the past a record's timestamp may be.")
                .define(
                        LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                        Type.LONG,
                        3600000L,
                        atLeast(0),
                        MEDIUM,
                        "With CreateTime, how far in the future a record's timestamp may be.")
                .define(
                        LOG_CLEANUP_POLICY,
                        Type.LIST,
                        "delete",
                        ConfigDef.ValidList.in("delete", "compact"),
                        MEDIUM,
                        "Default cleanup policy of topics: 'delete' (retention), 'compact' (keep the latest record per key) or"
                                + " 'compact,delete'.")
                // --- log cleaner (compaction)
                .define(
                        LOG_CLEANER_ENABLE,
                        Type.BOOLEAN,
                        true,
                        MEDIUM,
                        "Run the log cleaner, which compacts topics with cleanup.policy=compact. Without it compacted topics"
                                + " (and the internal __consumer_offsets and _schemas topics) grow without bound.")
                .define(
                        LOG_CLEANER_THREADS,
                        Type.INT,
                        1,
                        atLeast(1),
                        MEDIUM,
                        "Cleaner threads (millrace-log-cleaner-N); each compacts one partition at a time.")
                .define(
                        LOG_CLEANER_DEDUPE_BUFFER_SIZE,
                        Type.LONG,
                        134217728L,
                        atLeast(1024),
                        MEDIUM,
                        "Memory, shared by all cleaner threads, for the key-to-offset map of one cleaning pass (24 bytes per"
                                + " distinct key). A pass whose dirty records have more keys than fit compacts what fits and"
                                + " continues in the next pass. Allocated as needed, never more than this.")
                .define(
                        LOG_CLEANER_IO_BUFFER_SIZE,
                        Type.INT,
                        524288,
                        atLeast(0),
                        LOW,
                        "Read plus write buffer memory, shared by all cleaner threads; a thread's buffers grow temporarily"
                                + " to hold a batch larger than its share.")
                .define(
                        LOG_CLEANER_BACKOFF_MS,
                        Type.LONG,
                        15000L,
                        atLeast(0),
                        MEDIUM,
                        "How long a cleaner thread sleeps when no partition needs cleaning.")
                .define(
                        LOG_CLEANER_DELETE_RETENTION_MS,
                        Type.LONG,
                        86400000L,
                        atLeast(0),
                        MEDIUM,
                        "Default delete.retention.ms of topics: how long a tombstone stays readable after the cleaner first"
                                + " processed it.")
                .define(
                        LOG_CLEANER_MIN_COMPACTION_LAG_MS,
                        Type.LONG,
                        0L,
                        atLeast(0),
                        MEDIUM,
                        "Default min.compaction.lag.ms of topics: the shortest time a record stays uncompacted.")
                .define(
                        LOG_CLEANER_MAX_COMPACTION_LAG_MS,
                        Type.LONG,
                        Long.MAX_VALUE,
                        atLeast(1),
                        MEDIUM,
                        "Default max.compaction.lag.ms of topics: the longest a record may stay uncompacted.")
                .define(
                        LOG_CLEANER_MIN_CLEANABLE_RATIO,
                        Type.DOUBLE,
                        0.5,
                        between(0, 1),
                        MEDIUM,
                        "Default min.cleanable.dirty.ratio of topics: the share of not-yet-compacted bytes above which a"
                                + " compacted log is cleaned.")
                .define(
                        COMPRESSION_TYPE,
                        Type.STRING,
                        "producer",
                        ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                        HIGH,
                        "Compression of stored batches; 'producer' stores batches exactly as the producer compressed them.")
                .define(
                        COMPRESSION_GZIP_LEVEL,
                        Type.INT,
                        -1,
                        ConfigDef.LambdaValidator.with(
                                (name, value) -> {
                                    int level = (Integer) value;
                                    if (level != -1 && (level < 1 || level > 9)) {
                                        throw new ConfigException(name, value, "must be -1 or between 1 and 9");
                                    }
                                },
                                () -> "[1,...,9] or -1"),
                        LOW,
                        "gzip level used when the broker recompresses.")
                .define(
                        COMPRESSION_LZ4_LEVEL,
                        Type.INT,
                        9,
                        between(1, 17),
                        LOW,
                        "lz4 level used when the broker recompresses.")
                .define(
                        COMPRESSION_ZSTD_LEVEL,
                        Type.INT,
                        3,
                        between(-131072, 22),
                        LOW,
                        "zstd level used when the broker recompresses.")
                .define(
                        PRODUCER_ID_EXPIRATION_MS,
                        Type.INT,
                        86400000,
                        atLeast(1),
                        LOW,
                        "How long the broker remembers an idle idempotent producer's sequence numbers.")
                .define(
                        PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS,
                        Type.INT,
                        600000,
                        atLeast(1),
                        LOW,
                        "How often idle producers are expired.")
                // --- group coordinator
                .define(
                        OFFSETS_TOPIC_NUM_PARTITIONS,
                        Type.INT,
                        50,
                        atLeast(1),
                        HIGH,
                        "Partitions of the internal __consumer_offsets topic when the broker creates it. A group lives on "
                                + "partition abs(groupId.hashCode()) % partitions, so this cannot change once the topic exists.")
                .define(
                        OFFSETS_TOPIC_SEGMENT_BYTES,
                        Type.INT,
                        104857600,
                        atLeast(1024),
                        MEDIUM,
                        "Segment size of __consumer_offsets, kept small so compaction and loading stay fast.")
                .define(
                        OFFSETS_RETENTION_MINUTES,
                        Type.INT,
                        10080,
                        atLeast(1),
                        HIGH,
                        "How long the committed offsets of a group are kept after it became empty (or, for offsets of topics "
                                + "the group no longer consumes, after the commit).")
                .define(
                        OFFSETS_RETENTION_MS,
                        Type.LONG,
                        null,
                        LOW,
                        "As offsets.retention.minutes, in milliseconds; overrides it when set (a Millrace addition).")
                .define(
                        OFFSETS_RETENTION_CHECK_INTERVAL_MS,
                        Type.LONG,
                        600000L,
                        atLeast(1),
                        MEDIUM,
                        "How often expired offsets and empty groups without offsets are removed.")
                .define(
                        OFFSET_METADATA_MAX_BYTES,
                        Type.INT,
                        4096,
                        atLeast(0),
                        LOW,
                        "Largest metadata string kept with a committed offset; longer ones get OFFSET_METADATA_TOO_LARGE.")
                .define(
                        GROUP_INITIAL_REBALANCE_DELAY_MS,
                        Type.INT,
                        3000,
                        atLeast(0),
                        MEDIUM,
                        "How long the first rebalance of an empty classic group waits for more members to join.")
                .define(
                        GROUP_MIN_SESSION_TIMEOUT_MS,
                        Type.INT,
                        6000,
                        atLeast(1),
                        MEDIUM,
                        "Smallest session timeout a classic group member may ask for.")
                .define(
                        GROUP_MAX_SESSION_TIMEOUT_MS,
                        Type.INT,
                        1800000,
                        atLeast(1),
                        MEDIUM,
                        "Largest session timeout a classic group member may ask for.")
                .define(
                        GROUP_MAX_SIZE,
                        Type.INT,
                        Integer.MAX_VALUE,
                        atLeast(1),
                        MEDIUM,
                        "Largest number of members of a classic group.")
                .define(
                        GROUP_COORDINATOR_REBALANCE_PROTOCOLS,
                        Type.LIST,
                        "classic,consumer",
                        ConfigDef.ValidList.in("classic", "consumer"),
                        MEDIUM,
                        "Group protocols served: 'classic' (JoinGroup/SyncGroup) and 'consumer' (KIP-848, "
                                + "ConsumerGroupHeartbeat). Without 'consumer' the ConsumerGroup APIs are not advertised.")
                .define(
                        GROUP_CONSUMER_SESSION_TIMEOUT_MS,
                        Type.INT,
                        45000,
                        atLeast(1),
                        MEDIUM,
                        "Session timeout of members of consumer-protocol (KIP-848) groups.")
                .define(
                        GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS,
                        Type.INT,
                        5000,
                        atLeast(1),
                        MEDIUM,
                        "Heartbeat interval the coordinator gives members of consumer-protocol groups.")
                .define(
                        GROUP_CONSUMER_MAX_SIZE,
                        Type.INT,
                        Integer.MAX_VALUE,
                        atLeast(1),
                        MEDIUM,
                        "Largest number of members of a consumer-protocol group.")
                .define(
                        GROUP_CONSUMER_ASSIGNORS,
                        Type.LIST,
                        "uniform,range",
                        ConfigDef.ValidList.in("uniform", "range"),
                        MEDIUM,
                        "Server-side assignors of consumer-protocol groups; the first is the default.")
                // --- transaction coordinator
                .define(
                        TRANSACTION_STATE_LOG_NUM_PARTITIONS,
                        Type.INT,
                        50,
                        atLeast(1),
                        HIGH,
                        "Partitions of the internal __transaction_state topic when the broker creates it. A transactional id"
                                + " lives on partition abs(transactionalId.hashCode()) % partitions, so this cannot change once"
                                + " the topic exists.")
                .define(
                        TRANSACTION_STATE_LOG_SEGMENT_BYTES,
                        Type.INT,
                        104857600,
                        atLeast(1024),
                        MEDIUM,
                        "Segment size of __transaction_state, kept small so compaction and loading stay fast.")
                .define(
                        TRANSACTION_MAX_TIMEOUT_MS,
                        Type.INT,
                        3600000,
                        atLeast(1),
                        HIGH,
                        "The largest transaction.timeout.ms a transactional producer may ask for; a larger one gets"
                                + " INVALID_TRANSACTION_TIMEOUT. Exactly-once sinks that keep transactions open across"
                                + " checkpoints (Flink) need this above their transaction timeout.")
                .define(
                        TRANSACTIONAL_ID_EXPIRATION_MS,
                        Type.INT,
                        604800000,
                        atLeast(1),
                        MEDIUM,
                        "How long a transactional id without an open transaction is remembered after its last use.")
                .define(
                        TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS,
                        Type.INT,
                        10000,
                        atLeast(1),
                        LOW,
                        "How often transactions open longer than their producer's transaction.timeout.ms are aborted.")
                .define(
                        TRANSACTION_REMOVE_EXPIRED_TRANSACTION_CLEANUP_INTERVAL_MS,
                        Type.INT,
                        3600000,
                        atLeast(1),
                        LOW,
                        "How often expired transactional ids are removed.")
                .define(
                        TRANSACTION_PARTITION_VERIFICATION_ENABLE,
                        Type.BOOLEAN,
                        true,
                        LOW,
                        "Check with the transaction coordinator that a partition was added to a producer's transaction"
                                + " before accepting the transaction's first batch there (KIP-890), so a late write cannot open"
                                + " a transaction nobody will finish.");
    }

    /** An optional positive int: unset (null) means a default computed at startup. */
    private static ConfigDef.Validator positiveOrUnset() {
        return ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    if (value != null && (Integer) value < 1) {
                        throw new ConfigException(name, value, "must be at least 1");
                    }
                },
                () -> "[1,...] or unset");
    }

    /** Keys that only the launcher script reads; never reported as unknown. */
    public static final Set<String> LAUNCHER_ENVIRONMENT =
            Set.of("MILLRACE_HOME", "MILLRACE_JAVA_OPTS", "MILLRACE_HEAP_OPTS", "MILLRACE_LOG_LEVEL", "MILLRACE_JAVA");
}
