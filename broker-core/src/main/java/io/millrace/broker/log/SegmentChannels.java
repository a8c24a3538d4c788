package io.millrace.broker.log;

import io.millrace.broker.common.config.BrokerConfig;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the storage layer reaches its files, one per {@link LogManager}: every channel is opened
 * through the injected {@link FileChannelFactory} (fault injection in tests); segment files hold a
 * descriptor only while in use ({@link CachedFileChannel}), bounded by the cache of open files
 * (log.open.files.max), and index mappings ({@link SparseIndex}) are bounded by the cache of
 * mappings (log.mapped.indexes.max).
 *
 * <p>When the process runs out of descriptors or mappings, a quarter of the cached ones are
 * released and the open (or map) is tried once more; if that fails too, the operation fails with
 * a {@link ResourceLimitException} naming the limit and the settings to change. Thread-safe.
 */
final class SegmentChannels implements FileChannelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentChannels.class);

    private final FileChannelFactory factory;
    private final OpenFileCache openFiles;
    private final OpenFileCache mappedIndexes;

    SegmentChannels(FileChannelFactory factory, int openFilesMax, int mappedIndexesMax) {
        this.factory = factory;
        this.openFiles = new OpenFileCache("open segment files", openFilesMax);
        this.mappedIndexes = new OpenFileCache("mapped indexes", mappedIndexesMax);
    }

    /** With the configured bounds, logged (with the limits they derive from) for the operator. */
    static SegmentChannels of(LogManagerConfig config, FileChannelFactory factory) {
        LOG.info(
                "Storage keeps at most {} segment files open ({}; the process may open {} files) and {} index files"
                        + " mapped ({}; vm.max_map_count is {})",
                config.openFilesMax(),
                BrokerConfig.LOG_OPEN_FILES_MAX,
                ProcessLimits.maxOpenFiles(),
                config.mappedIndexesMax(),
                BrokerConfig.LOG_MAPPED_INDEXES_MAX,
                ProcessLimits.maxMapCount());
        return new SegmentChannels(factory, config.openFilesMax(), config.mappedIndexesMax());
    }

    /** The cache of descriptors held by {@link CachedFileChannel}s. */
    OpenFileCache openFiles() {
        return openFiles;
    }

    /** The cache of index mappings. */
    OpenFileCache mappedIndexes() {
        return mappedIndexes;
    }

    /** A file to be opened on first use; it must exist by then. */
    CachedFileChannel existing(Path file) {
        return new CachedFileChannel(this, file, null);
    }

    /**
     * Creates the file ({@code creation}: {@code CREATE} or {@code CREATE_NEW}) and opens it for
     * reading and writing; the descriptor stays open until the cache releases it.
     */
    CachedFileChannel create(Path file, StandardOpenOption creation) throws IOException {
        FileChannel ch = open(file, creation, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new CachedFileChannel(this, file, ch);
    }

    /**
     * Opens an uncached channel the caller closes soon (index loads and syncs, or a
     * {@link CachedFileChannel}'s descriptor). Out of descriptors, idle cached ones are closed and
     * the open is tried once more.
     *
     * @throws ResourceLimitException if the process is still out of descriptors
     */
    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        return retryOnce(
                () -> factory.open(file, options),
                ResourceLimitException::isOutOfDescriptors,
                openFiles,
                () -> "Cannot open " + file + ": the process has reached its limit of " + ProcessLimits.maxOpenFiles()
                        + " open files (ulimit -n; " + ProcessLimits.openFiles() + " open now, of which "
                        + openFiles.size() + " are segment files kept open by the broker, at most "
                        + BrokerConfig.LOG_OPEN_FILES_MAX + "=" + openFiles.capacity() + "). Lower "
                        + BrokerConfig.LOG_OPEN_FILES_MAX + " or raise the process's open-file limit (ulimit -n,"
                        + " or LimitNOFILE in a systemd unit).");
    }

    /**
     * Maps {@code size} bytes of an index file from its start. When the process has no mapping
     * left (the JDK has already run a garbage collection to free dropped ones), cached mappings are
     * dropped and the map is tried once more.
     *
     * @throws ResourceLimitException if the process is still out of mappings
     */
    MappedByteBuffer map(FileChannel ch, FileChannel.MapMode mode, long size, Path file) throws IOException {
        return retryOnce(
                () -> ch.map(mode, 0, size),
                e -> e.getCause() instanceof OutOfMemoryError,
                mappedIndexes,
                () -> "Cannot map index " + file + ": the process has reached its limit of memory mappings"
                        + " (vm.max_map_count=" + ProcessLimits.maxMapCount() + "; the broker keeps at most "
                        + BrokerConfig.LOG_MAPPED_INDEXES_MAX + "=" + mappedIndexes.capacity() + " index files"
                        + " mapped, and dropped mappings are unmapped at garbage collection). Lower "
                        + BrokerConfig.LOG_MAPPED_INDEXES_MAX + " or raise vm.max_map_count (sysctl).");
    }

    /**
     * Runs {@code attempt}; when it fails because the process is out of a resource, releases a
     * quarter of {@code cache}'s idle entries and runs it once more.
     */
    private static <T> T retryOnce(
            Attempt<T> attempt, Predicate<IOException> exhausted, OpenFileCache cache, Supplier<String> limit)
            throws IOException {
        try {
            return attempt.run();
        } catch (IOException e) {
            if (!exhausted.test(e)) {
                throw e;
            }
            cache.shrink(Math.max(1, cache.size() / 4));
        }
        try {
            return attempt.run();
        } catch (IOException e) {
            throw exhausted.test(e) ? new ResourceLimitException(limit.get(), e) : e;
        }
    }

    private interface Attempt<T> {
        T run() throws IOException;
    }
}
