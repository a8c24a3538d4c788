package io.millrace.broker.log;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import io.millrace.broker.common.config.BrokerConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;

/**
 * Per-partition storage settings: the topic-level configuration keys (Kafka's names), each
 * defaulting to a broker-level synonym.
 *
 * <p>Immutable. A topic's effective config is the broker's defaults overlaid with the topic's
 * overrides; {@link PartitionLog#updateConfig} swaps in a new instance atomically.
 */
public final class LogConfig {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String FLUSH_MS = "flush.ms";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    /** Topic key to the broker key whose value is its default (Kafka's "synonym"). */
    public static final Map<String, String> BROKER_SYNONYMS = brokerSynonyms();

    /** The cleanup.policy values. */
    public static final String POLICY_DELETE = "delete";

    public static final String POLICY_COMPACT = "compact";

    /** Every topic-level key with its type, built-in default and validation. */
    public static final ConfigDef DEFINITION = define();

    private final Map<String, Object> values;

    private LogConfig(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * The effective configuration of a topic.
     *
     * @param brokerDefaults topic keys to their broker-level values ({@link #brokerDefaults})
     * @param overrides topic-level overrides as strings, keys already known to be valid names
     * @throws ConfigException naming the key and what is wrong with the value
     */
    public static LogConfig of(Map<String, Object> brokerDefaults, Map<String, String> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(brokerDefaults);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!DEFINITION.names().contains(e.getKey())) {
                throw new ConfigException("Unknown topic config name: " + e.getKey());
            }
            merged.put(e.getKey(), e.getValue());
        }
        LogConfig config = new LogConfig(new LinkedHashMap<>(DEFINITION.parse(merged)));
        if (config.minCompactionLagMs() > config.maxCompactionLagMs()) {
            throw new ConfigException(
                    MIN_COMPACTION_LAG_MS,
                    config.minCompactionLagMs(),
                    "must not exceed " + MAX_COMPACTION_LAG_MS + "=" + config.maxCompactionLagMs());
        }
        return config;
    }

    /** Built-in defaults only, as Kafka documents them (for tests and tools). */
    public static LogConfig defaults() {
        return of(brokerDefaults(BrokerConfig.defaults()), Map.of());
    }

    /** The topic-level defaults implied by the broker configuration. */
    public static Map<String, Object> brokerDefaults(BrokerConfig broker) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : BROKER_SYNONYMS.entrySet()) {
            d.put(e.getKey(), broker.get(e.getValue()));
        }
        d.put(RETENTION_MS, broker.logRetentionMs());
        d.put(SEGMENT_MS, broker.logRollMs());
        return d;
    }

    public Map<String, Object> values() {
        return values;
    }

    public Object get(String key) {
        return values.get(key);
    }

    public int segmentBytes() {
        return (Integer) values.get(SEGMENT_BYTES);
    }

    public long segmentMs() {
        return (Long) values.get(SEGMENT_MS);
    }

    public long segmentJitterMs() {
        return (Long) values.get(SEGMENT_JITTER_MS);
    }

    /** Milliseconds a segment is kept after its newest timestamp; -1 keeps it forever. */
    public long retentionMs() {
        return (Long) values.get(RETENTION_MS);
    }

    /** Largest partition size before the oldest segments are deleted; -1 means no limit. */
    public long retentionBytes() {
        return (Long) values.get(RETENTION_BYTES);
    }

    public int maxMessageBytes() {
        return (Integer) values.get(MAX_MESSAGE_BYTES);
    }

    public int indexIntervalBytes() {
        return (Integer) values.get(INDEX_INTERVAL_BYTES);
    }

    public int segmentIndexBytes() {
        return (Integer) values.get(SEGMENT_INDEX_BYTES);
    }

    public TimestampType timestampType() {
        return TimestampType.forName((String) values.get(MESSAGE_TIMESTAMP_TYPE));
    }

    public long timestampBeforeMaxMs() {
        return (Long) values.get(MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
    }

    public long timestampAfterMaxMs() {
        return (Long) values.get(MESSAGE_TIMESTAMP_AFTER_MAX_MS);
    }

    public long fileDeleteDelayMs() {
        return (Long) values.get(FILE_DELETE_DELAY_MS);
    }

    /** Longest delay before data not awaited by an acks=all producer is fsynced. */
    public long flushMs() {
        return (Long) values.get(FLUSH_MS);
    }

    public int minInSyncReplicas() {
        return (Integer) values.get(MIN_INSYNC_REPLICAS);
    }

    @SuppressWarnings("unchecked")
    public List<String> cleanupPolicy() {
        return (List<String>) values.get(CLEANUP_POLICY);
    }

    /** cleanup.policy includes "compact": the log cleaner keeps the latest record per key. */
    public boolean compact() {
        return cleanupPolicy().contains(POLICY_COMPACT);
    }

    /** cleanup.policy includes "delete": time and size retention apply. */
    public boolean delete() {
        return cleanupPolicy().contains(POLICY_DELETE);
    }

    /** How long a tombstone stays readable after the cleaner first saw it (its batch's delete horizon). */
    public long deleteRetentionMs() {
        return (Long) values.get(DELETE_RETENTION_MS);
    }

    /** Records younger than this are never compacted. */
    public long minCompactionLagMs() {
        return (Long) values.get(MIN_COMPACTION_LAG_MS);
    }

    /** Records older than this are compacted even when the dirty ratio is below the minimum. */
    public long maxCompactionLagMs() {
        return (Long) values.get(MAX_COMPACTION_LAG_MS);
    }

    /** Share of dirty (not yet compacted) bytes above which the log is worth cleaning. */
    public double minCleanableDirtyRatio() {
        return (Double) values.get(MIN_CLEANABLE_DIRTY_RATIO);
    }

    /** The configured compression type name ("producer", "uncompressed", "gzip", ...). */
    public String compressionType() {
        return (String) values.get(COMPRESSION_TYPE);
    }

    /**
     * The compression batches must be stored with, or empty when batches are stored as the
     * producer compressed them ({@code compression.type=producer}).
     */
    public Optional<Compression> targetCompression() {
        String name = compressionType();
        switch (name) {
            case "producer":
                return Optional.empty();
            case "uncompressed":
                return Optional.of(Compression.NONE);
            case "gzip":
                return Optional.of(Compression.gzip()
                        .level((Integer) values.get(COMPRESSION_GZIP_LEVEL))
                        .build());
            case "lz4":
                return Optional.of(Compression.lz4()
                        .level((Integer) values.get(COMPRESSION_LZ4_LEVEL))
                        .build());
            case "zstd":
                return Optional.of(Compression.zstd()
                        .level((Integer) values.get(COMPRESSION_ZSTD_LEVEL))
                        .build());
            default:
                return Optional.of(Compression.of(CompressionType.forName(name)).build());
        }
    }

    @Override
    public String toString() {
        return "LogConfig" + values;
    }

    private static Map<String, String> brokerSynonyms() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CLEANUP_POLICY, BrokerConfig.LOG_CLEANUP_POLICY);
        m.put(COMPRESSION_TYPE, BrokerConfig.COMPRESSION_TYPE);
        m.put(COMPRESSION_GZIP_LEVEL, BrokerConfig.COMPRESSION_GZIP_LEVEL);
        m.put(COMPRESSION_LZ4_LEVEL, BrokerConfig.COMPRESSION_LZ4_LEVEL);
        m.put(COMPRESSION_ZSTD_LEVEL, BrokerConfig.COMPRESSION_ZSTD_LEVEL);
        m.put(DELETE_RETENTION_MS, BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS);
        m.put(FILE_DELETE_DELAY_MS, BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS);
        m.put(FLUSH_MS, BrokerConfig.LOG_FLUSH_INTERVAL_MS);
        m.put(INDEX_INTERVAL_BYTES, BrokerConfig.LOG_INDEX_INTERVAL_BYTES);
        m.put(MAX_COMPACTION_LAG_MS, BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS);
        m.put(MAX_MESSAGE_BYTES, BrokerConfig.MESSAGE_MAX_BYTES);
        m.put(MESSAGE_TIMESTAMP_TYPE, BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE);
        m.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
        m.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS);
        m.put(MIN_CLEANABLE_DIRTY_RATIO, BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO);
        m.put(MIN_COMPACTION_LAG_MS, BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS);
        m.put(MIN_INSYNC_REPLICAS, BrokerConfig.MIN_INSYNC_REPLICAS);
        m.put(RETENTION_BYTES, BrokerConfig.LOG_RETENTION_BYTES);
        m.put(RETENTION_MS, BrokerConfig.LOG_RETENTION_MS);
        m.put(SEGMENT_BYTES, BrokerConfig.LOG_SEGMENT_BYTES);
        m.put(SEGMENT_INDEX_BYTES, BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES);
        m.put(SEGMENT_JITTER_MS, BrokerConfig.LOG_ROLL_JITTER_MS);
        m.put(SEGMENT_MS, BrokerConfig.LOG_ROLL_MS);
        m.put(UNCLEAN_LEADER_ELECTION_ENABLE, BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE);
        return Collections.unmodifiableMap(m);
    }

    private static ConfigDef define() {
        return new ConfigDef()
                .define(
                        CLEANUP_POLICY,
                        Type.LIST,
                        POLICY_DELETE,
                        ConfigDef.ValidList.in(POLICY_DELETE, POLICY_COMPACT),
                        MEDIUM,
                        "'delete' discards old segments past retention.ms / retention.bytes; 'compact' keeps only the"
                                + " latest record of every key (the log cleaner rewrites old segments); 'compact,delete' does both."
                                + " Records without a key are refused by compacted topics.")
                .define(
                        COMPRESSION_TYPE,
                        Type.STRING,
                        "producer",
                        ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                        MEDIUM,
                        "Compression of stored batches; 'producer' keeps the producer's batches byte for byte.")
                .define(COMPRESSION_GZIP_LEVEL, Type.INT, -1, LOW, "gzip level when recompressing.")
                .define(COMPRESSION_LZ4_LEVEL, Type.INT, 9, between(1, 17), LOW, "lz4 level when recompressing.")
                .define(
                        COMPRESSION_ZSTD_LEVEL,
                        Type.INT,
                        3,
                        between(-131072, 22),
                        LOW,
                        "zstd level when recompressing.")
                .define(
                        DELETE_RETENTION_MS,
                        Type.LONG,
                        86400000L,
                        atLeast(0),
                        MEDIUM,
                        "For compacted topics: how long a tombstone (a record with a null value) stays readable after the"
                                + " cleaner first processed it; consumers must read the topic within this time to see deletions.")
                .define(
                        FILE_DELETE_DELAY_MS,
                        Type.LONG,
                        60000L,
                        atLeast(0),
                        LOW,
                        "Delay before a removed segment's files are deleted.")
                .define(
                        FLUSH_MS,
                        Type.LONG,
                        0L,
                        atLeast(0),
                        MEDIUM,
                        "Longest delay before data not awaited by an acks=all producer is fsynced.")
                .define(INDEX_INTERVAL_BYTES, Type.INT, 4096, atLeast(0), LOW, "Bytes of log between index entries.")
                .define(
                        MAX_COMPACTION_LAG_MS,
                        Type.LONG,
                        Long.MAX_VALUE,
                        atLeast(1),
                        MEDIUM,
                        "For compacted topics: the longest a record may stay uncompacted; older dirty records make the log"
                                + " eligible for cleaning regardless of min.cleanable.dirty.ratio.")
                .define(MAX_MESSAGE_BYTES, Type.INT, 1048588, atLeast(0), MEDIUM, "Largest record batch accepted.")
                .define(
                        MESSAGE_TIMESTAMP_TYPE,
                        Type.STRING,
                        "CreateTime",
                        ValidString.in("CreateTime", "LogAppendTime"),
                        MEDIUM,
                        "CreateTime keeps the producer's timestamps; LogAppendTime uses the broker's clock.")
                .define(
                        MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                        Type.LONG,
                        Long.MAX_VALUE,
                        atLeast(0),
                        MEDIUM,
                        "With CreateTime, how far in the past a timestamp may be.")
                .define(
                        MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                        Type.LONG,
                        3600000L,
                        atLeast(0),
                        MEDIUM,
                        "With CreateTime, how far in the future a timestamp may be.")
                .define(
                        MIN_CLEANABLE_DIRTY_RATIO,
                        Type.DOUBLE,
                        0.5,
                        between(0, 1),
                        MEDIUM,
                        "For compacted topics: the share of the log not yet compacted (dirty bytes over total bytes) above"
                                + " which the cleaner compacts it.")
                .define(
                        MIN_COMPACTION_LAG_MS,
                        Type.LONG,
                        0L,
                        atLeast(0),
                        MEDIUM,
                        "For compacted topics: the shortest time a record stays uncompacted (judged by its segment's newest"
                                + " timestamp).")
                .define(
                        MIN_INSYNC_REPLICAS,
                        Type.INT,
                        1,
                        atLeast(1),
                        MEDIUM,
                        "Replicas that must hold an acks=all write.")
                .define(RETENTION_BYTES, Type.LONG, -1L, HIGH, "Largest partition size; -1 means no limit.")
                .define(
                        RETENTION_MS,
                        Type.LONG,
                        604800000L,
                        atLeast(-1),
                        HIGH,
                        "How long data is kept; -1 keeps it forever.")
                .define(SEGMENT_BYTES, Type.INT, 1073741824, atLeast(1024), MEDIUM, "Segment size.")
                .define(SEGMENT_INDEX_BYTES, Type.INT, 10485760, atLeast(4), LOW, "Largest size of a segment index.")
                .define(SEGMENT_JITTER_MS, Type.LONG, 0L, atLeast(0), LOW, "Random jitter subtracted from segment.ms.")
                .define(SEGMENT_MS, Type.LONG, 604800000L, atLeast(1), MEDIUM, "Age after which a segment rolls.")
                .define(
                        UNCLEAN_LEADER_ELECTION_ENABLE,
                        Type.BOOLEAN,
                        false,
                        LOW,
                        "Accepted for compatibility; a single node has no other replica to elect.");
    }
}
