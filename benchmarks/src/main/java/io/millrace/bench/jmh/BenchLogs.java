package io.millrace.bench.jmh;

import io.millrace.broker.common.Clock;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.log.FileChannelFactory;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.LogManagerConfig;
import io.millrace.broker.log.PartitionLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real {@link LogManager} (group-commit thread, scheduler) over a temporary directory with one
 * partition, as the broker runs it. Segments of 64 MB and 256 MB of retention keep the disk use of
 * a long append benchmark bounded; retention runs every second.
 */
final class BenchLogs implements AutoCloseable {

    static final String TOPIC = "jmh";

    private final Path dir;
    private final LogManager manager;
    private final PartitionLog log;

    BenchLogs() throws IOException {
        dir = Files.createTempDirectory("millrace-jmh-");
        LogConfig config = LogConfig.of(
                LogConfig.brokerDefaults(BrokerConfig.defaults()),
                Map.of(
                        LogConfig.SEGMENT_BYTES, Integer.toString(64 << 20),
                        LogConfig.RETENTION_BYTES, Long.toString(256L << 20),
                        LogConfig.FILE_DELETE_DELAY_MS, "0"));
        manager = new LogManager(
                new LogManagerConfig(List.of(dir.resolve("data")), 1_000, 60_000, 3_600_000, 600_000),
                Clock.system(),
                FileChannelFactory.DEFAULT);
        manager.startup(topic -> Optional.of(config));
        log = manager.createLog(TOPIC, 0, config);
    }

    PartitionLog log() {
        return log;
    }

    @Override
    public void close() throws IOException {
        manager.close();
        BenchBatches.deleteRecursively(dir);
    }
}
