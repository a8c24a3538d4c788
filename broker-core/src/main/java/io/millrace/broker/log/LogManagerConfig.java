package io.millrace.broker.log;

import io.millrace.broker.common.config.BrokerConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Node-wide storage settings (per-topic ones live in {@link LogConfig}).
 *
 * @param logDirs                         data directories; new partitions go to the one holding the fewest
 * @param retentionCheckIntervalMs        how often retention runs
 * @param recoveryPointCheckpointIntervalMs how often recovery points are checkpointed
 * @param producerIdExpirationMs          idle time after which an idempotent producer's state is dropped
 * @param producerIdExpirationCheckIntervalMs how often idle producers are expired
 * @param cleaner                         the log cleaner (compaction)
 * @param flushThreads                    fsyncs of different partitions that may run at once
 * @param preallocateBytes                largest zero-filled space kept ahead of an active segment's end
 *                                        ({@link SegmentPrefill}); 0 turns preallocation off
 * @param openFilesMax                    segment files kept open at most, apart from those with unsynced
 *                                        writes or a send in progress ({@link SegmentChannels})
 * @param mappedIndexesMax                index files kept mapped at most ({@link SegmentChannels})
 */
public record LogManagerConfig(
        List<Path> logDirs,
        long retentionCheckIntervalMs,
        long recoveryPointCheckpointIntervalMs,
        long producerIdExpirationMs,
        long producerIdExpirationCheckIntervalMs,
        CleanerConfig cleaner,
        int flushThreads,
        int preallocateBytes,
        int openFilesMax,
        int mappedIndexesMax) {

    /**
     * One flush thread unless configured: with preallocated segments an fsync is a single data
     * write, and fsyncing partitions one after another lets each fsync cover more data, which
     * measured faster than 2 or 4 concurrent flushers on this project's 2-core machine
     * (benchmarks/README.md, optimisation 0.3).
     */
    public static final int DEFAULT_FLUSH_THREADS = 1;
    /** Up to 8 MiB of zeros ahead of a busy partition's log end. */
    public static final int DEFAULT_PREALLOCATE_BYTES = 8 * 1024 * 1024;

    public LogManagerConfig {
        if (openFilesMax < 1 || mappedIndexesMax < 1) {
            throw new IllegalArgumentException(
                    "openFilesMax and mappedIndexesMax must be positive: " + openFilesMax + ", " + mappedIndexesMax);
        }
    }

    /**
     * With the default cleaner settings, flush threads, preallocation and bounds of open files and
     * mappings (from the process's limits, {@link ProcessLimits}).
     */
    public LogManagerConfig(
            List<Path> logDirs,
            long retentionCheckIntervalMs,
            long recoveryPointCheckpointIntervalMs,
            long producerIdExpirationMs,
            long producerIdExpirationCheckIntervalMs) {
        this(
                logDirs,
                retentionCheckIntervalMs,
                recoveryPointCheckpointIntervalMs,
                producerIdExpirationMs,
                producerIdExpirationCheckIntervalMs,
                CleanerConfig.defaults(),
                DEFAULT_FLUSH_THREADS,
                DEFAULT_PREALLOCATE_BYTES,
                ProcessLimits.defaultOpenFilesMax(),
                ProcessLimits.defaultMappedIndexesMax());
    }

    public static LogManagerConfig from(BrokerConfig broker) {
        return new LogManagerConfig(
                broker.logDirs().stream().map(Path::of).toList(),
                broker.getLong(BrokerConfig.LOG_RETENTION_CHECK_INTERVAL_MS),
                broker.getInt(BrokerConfig.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS),
                broker.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_MS),
                broker.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS),
                CleanerConfig.from(broker),
                broker.getInt(BrokerConfig.LOG_FLUSH_THREADS),
                broker.getInt(BrokerConfig.LOG_PREALLOCATE_BYTES),
                orDefault(broker.get(BrokerConfig.LOG_OPEN_FILES_MAX), ProcessLimits.defaultOpenFilesMax()),
                orDefault(broker.get(BrokerConfig.LOG_MAPPED_INDEXES_MAX), ProcessLimits.defaultMappedIndexesMax()));
    }

    /** A setting whose default depends on the machine: null (not set) means the default. */
    private static int orDefault(Object value, int defaultValue) {
        return value == null ? defaultValue : (Integer) value;
    }
}
