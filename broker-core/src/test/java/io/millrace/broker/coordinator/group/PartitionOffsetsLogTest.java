package io.millrace.broker.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.coordinator.ManualCoordinatorExecutor;
import io.millrace.broker.coordinator.group.GroupRecord.OffsetCommit;
import io.millrace.broker.log.FileChannelFactory;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.LogManagerConfig;
import io.millrace.broker.replication.MetadataStore;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group records through a real {@code __consumer_offsets} partition: append, durability, replay. */
class PartitionOffsetsLogTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final ManualCoordinatorExecutor executor = new ManualCoordinatorExecutor(clock);
    private LogManager logs;

    @AfterEach
    void tearDown() {
        if (logs != null) {
            logs.close();
        }
    }

    @Test
    void appendedRecordsAreDurableAndReadBackInOrderWithTombstones() throws Exception {
        PartitionOffsetsLog log = open(Map.of());
        List<GroupRecord> written = List.of(
                new OffsetCommit("g", "t", 0, new OffsetAndMetadata(5, -1, "a", 1, -1)),
                new OffsetCommit("g", "t", 1, new OffsetAndMetadata(6, 2, "", 1, -1)),
                new OffsetCommit("g", "t", 0, null));

        assertThat(append(log, written)).isEqualTo(Errors.NONE);
        assertThat(append(log, List.of(new OffsetCommit("h", "t", 0, new OffsetAndMetadata(1, -1, "", 2, -1)))))
                .isEqualTo(Errors.NONE);

        List<GroupRecord> read = new ArrayList<>();
        reopen(Map.of()).replay(0, read::add);
        assertThat(read).hasSize(4);
        assertThat(read.subList(0, 3)).isEqualTo(written);
    }

    @Test
    void recordsThatDoNotFitOneBatchAreSplit() {
        List<GroupRecord> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(new OffsetCommit("g", "topic", i, new OffsetAndMetadata(i, -1, "x".repeat(100), 1, -1)));
        }

        List<ByteBuffer> batches = PartitionOffsetsLog.batches(many, 1, 4096);

        assertThat(batches).hasSizeGreaterThan(5);
        int records = 0;
        for (ByteBuffer b : batches) {
            assertThat(b.remaining()).isLessThanOrEqualTo(4096);
            for (var batch : MemoryRecords.readableRecords(b.duplicate()).batches()) {
                for (var ignored : batch) {
                    records++;
                }
            }
        }
        assertThat(records).isEqualTo(200);
    }

    @Test
    void largeCommitSpanningSeveralBatchesIsFullyReadBack() throws Exception {
        PartitionOffsetsLog log = open(Map.of("max.message.bytes", "2048"));
        List<GroupRecord> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(new OffsetCommit("g", "topic", i, new OffsetAndMetadata(i, -1, "m".repeat(50), 1, -1)));
        }

        assertThat(append(log, many)).isEqualTo(Errors.NONE);

        List<GroupRecord> read = new ArrayList<>();
        reopen(Map.of("max.message.bytes", "2048")).replay(0, read::add);
        assertThat(read).isEqualTo(many);
    }

    private PartitionOffsetsLog open(Map<String, String> topicConfigs) throws Exception {
        BrokerConfig config = BrokerConfig.parse(
                Map.of(BrokerConfig.LOG_DIRS, dir.resolve("data").toString()));
        logs = new LogManager(LogManagerConfig.from(config), clock, FileChannelFactory.DEFAULT);
        TopicManager topics =
                new TopicManager(config, new MetadataStore(dir.resolve("data").resolve(".millrace")), logs);
        topics.startup();
        Map<String, String> configs = new java.util.HashMap<>(topicConfigs);
        configs.put("cleanup.policy", "compact");
        TopicState state = topics.createInternalTopic("__consumer_offsets", 1, configs);
        return new PartitionOffsetsLog(state.partitions(), executor);
    }

    /** The same data directory opened again, as after a restart. */
    private PartitionOffsetsLog reopen(Map<String, String> topicConfigs) throws Exception {
        logs.close();
        logs = null;
        return open(topicConfigs);
    }

    /** Appends and waits (polling the executor, with a deadline) until durable. */
    private Errors append(PartitionOffsetsLog log, List<GroupRecord> records) throws InterruptedException {
        AtomicReference<Errors> result = new AtomicReference<>();
        log.append(0, records, clock.milliseconds(), result::set);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (result.get() == null && System.nanoTime() < deadline) {
            executor.runAll();
            Thread.sleep(5);
        }
        return result.get();
    }
}
