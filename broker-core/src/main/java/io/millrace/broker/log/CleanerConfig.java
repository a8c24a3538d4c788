package io.millrace.broker.log;

import io.millrace.broker.common.config.BrokerConfig;

/**
 * Node-wide settings of the {@link LogCleaner} (the per-topic ones, such as delete.retention.ms,
 * live in {@link LogConfig}).
 *
 * @param enabled          whether cleaner threads run at all (log.cleaner.enable)
 * @param threads          number of cleaner threads (log.cleaner.threads)
 * @param dedupeBufferSize bytes for the key-to-offset maps of all threads together; each thread may use
 *                         an equal share (log.cleaner.dedupe.buffer.size)
 * @param ioBufferSize     bytes for the read and write buffers of all threads together
 *                         (log.cleaner.io.buffer.size)
 * @param backoffMs        sleep of a thread that found nothing to clean (log.cleaner.backoff.ms)
 */
public record CleanerConfig(boolean enabled, int threads, long dedupeBufferSize, int ioBufferSize, long backoffMs) {

    /** Smallest I/O buffer a thread uses, whatever its share; buffers grow to fit a larger batch. */
    static final int MIN_IO_BUFFER = 4096;

    public CleanerConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("log.cleaner.threads must be at least 1, not " + threads);
        }
    }

    public static CleanerConfig from(BrokerConfig broker) {
        return new CleanerConfig(
                broker.getBoolean(BrokerConfig.LOG_CLEANER_ENABLE),
                broker.getInt(BrokerConfig.LOG_CLEANER_THREADS),
                broker.getLong(BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE),
                broker.getInt(BrokerConfig.LOG_CLEANER_IO_BUFFER_SIZE),
                broker.getLong(BrokerConfig.LOG_CLEANER_BACKOFF_MS));
    }

    /** The broker's defaults (Kafka's): one thread, 128 MiB of dedupe memory, 15 s backoff. */
    public static CleanerConfig defaults() {
        return from(BrokerConfig.defaults());
    }

    /** Key-to-offset map memory of one thread. */
    long dedupeBytesPerThread() {
        return dedupeBufferSize / threads;
    }

    /** Size of each of a thread's two I/O buffers (read and write). */
    int ioBufferPerThread() {
        return Math.max(MIN_IO_BUFFER, ioBufferSize / threads / 2);
    }
}
