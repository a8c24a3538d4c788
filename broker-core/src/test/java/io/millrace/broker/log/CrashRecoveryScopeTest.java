package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After a crash, the startup recovers only the partitions that took appends since the last
 * recovery-point checkpoint ({@link DirtyPartitions}); the others open lazily, and still recover
 * from their recovery point when the hint was lost.
 */
class CrashRecoveryScopeTest {

    private static final int PARTITIONS = 20;

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    @Test
    void startupAfterCrashRecoversOnlyPartitionsWrittenSinceTheCheckpoint() throws Exception {
        writeAllThenCheckpoint();
        TestLogs.append(logs.log("t", 3), TestBatches.batch(logs.clock.milliseconds(), "late-3"));
        TestLogs.append(logs.log("t", 7), TestBatches.batch(logs.clock.milliseconds(), "late-7"));

        TestLogs crashed = logs.crashCopy();
        crashed.start();

        assertThat(crashed.manager.logs())
                .filteredOn(PartitionLog::isOpen)
                .extracting(PartitionLog::partition)
                .containsExactlyInAnyOrder(3, 7);
        for (int p = 0; p < PARTITIONS; p++) {
            int expected = p == 3 || p == 7 ? 3 : 2;
            assertThat(TestLogs.readAll(crashed.log("t", p))).hasSize(expected);
        }
    }

    @Test
    void checkpointForgetsPartitionsWhoseAppendsAreAllFlushed() throws Exception {
        writeAllThenCheckpoint();
        PartitionLog log = logs.log("t", 4);
        logs.fill(log, 1);

        assertThat(DirtyPartitions.read(logs.dirs.get(0))).contains("t-4");
        logs.manager.checkpointRecoveryPoints();
        assertThat(DirtyPartitions.read(logs.dirs.get(0))).isEmpty();
    }

    @Test
    void partitionMissingFromTheHintIsRecoveredOnFirstUse() throws Exception {
        writeAllThenCheckpoint();
        PartitionLog log = logs.log("t", 5);
        TestLogs.append(log, TestBatches.batch(logs.clock.milliseconds(), "late-5"));
        TestLogs.awaitDurable(log);

        TestLogs crashed = logs.crashCopy();
        Files.delete(crashed.dirs.get(0).resolve(DirtyPartitions.FILE));
        List<Path> segments = TestLogs.files(crashed.dirs.get(0).resolve("t-5"), LogSegment.LOG_SUFFIX);
        Files.write(segments.get(segments.size() - 1), new byte[] {1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);
        crashed.start();
        PartitionLog recovered = crashed.log("t", 5);

        assertThat(recovered.isOpen()).isFalse();
        assertThat(recovered.logEndOffset()).isEqualTo(3);
        assertThat(TestLogs.readAll(recovered))
                .extracting(TestBatches.Entry::value)
                .containsExactly("value-0", "value-1", "late-5");
        assertThat(TestLogs.append(recovered, TestBatches.batch(logs.clock.milliseconds(), "after"))
                        .baseOffset())
                .isEqualTo(3);
    }

    private void writeAllThenCheckpoint() throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            logs.fill(logs.create("t", p, config()), 2);
        }
        logs.manager.checkpointRecoveryPoints();
        assertThat(DirtyPartitions.read(logs.dirs.get(0))).isEmpty();
    }
}
