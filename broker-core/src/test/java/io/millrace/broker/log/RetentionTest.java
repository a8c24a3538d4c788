package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.await;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RetentionTest {

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    private static boolean noDeletedFilesIn(Path dir) {
        try {
            return TestLogs.files(dir, LogSegment.DELETED_SUFFIX).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void shouldDeleteSegmentsOlderThanRetentionMs() throws Exception {
        PartitionLog log =
                logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024", LogConfig.RETENTION_MS, "60000"));
        logs.fill(log, 30);
        int oldSegments = log.numberOfSegments();
        logs.clock.advanceMs(120_000);
        long newBase = log.logEndOffset();
        logs.fill(log, 1);
        assertThat(log.numberOfSegments()).isGreaterThanOrEqualTo(oldSegments);

        int deleted = log.applyRetention();

        assertThat(deleted).isGreaterThan(0);
        assertThat(log.logStartOffset()).isGreaterThan(0).isLessThanOrEqualTo(newBase);
        assertThat(log.read(0, 100, true).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(TestBatches.valuesOf(log.read(newBase, 1 << 20, true).records()))
                .containsExactly("value-0");
        await("deleted files are removed after file.delete.delay.ms", () -> noDeletedFilesIn(log.dir()));
        assertThat(LogSegment.file(log.dir(), 0, LogSegment.LOG_SUFFIX)).doesNotExist();
    }

    @Test
    void shouldKeepEverythingForeverWithRetentionMsMinusOne() throws Exception {
        PartitionLog log =
                logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024", LogConfig.RETENTION_MS, "-1"));
        logs.fill(log, 30);
        int segments = log.numberOfSegments();
        logs.clock.advanceMs(100L * 365 * 24 * TestLogs.HOUR);

        assertThat(log.applyRetention()).isZero();
        assertThat(log.numberOfSegments()).isEqualTo(segments);
        assertThat(log.logStartOffset()).isZero();
    }

    @Test
    void shouldRollAndDeleteEverythingWhenAllSegmentsExpired() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.RETENTION_MS, "1000"));
        logs.fill(log, 5);
        logs.clock.advanceMs(5_000);

        assertThat(log.applyRetention()).isEqualTo(1);

        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(5);
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(append(log, TestBatches.batch(logs.clock.milliseconds(), "next"))
                        .baseOffset())
                .isEqualTo(5);
        awaitDurable(log);
        assertThat(TestBatches.valuesOf(log.read(5, 1 << 20, true).records())).containsExactly("next");
    }

    @Test
    void shouldNotDeleteDataThatIsNotDurableYet() throws Exception {
        FaultInjectingChannels channels = new FaultInjectingChannels();
        TestLogs faulty = logs.another(1, channels);
        faulty.start();
        PartitionLog log = faulty.create("orders", 0, config(LogConfig.RETENTION_MS, "1000"));
        channels.blockForces();
        try {
            append(log, TestBatches.batch(faulty.clock.milliseconds(), "pending"));
            faulty.clock.advanceMs(5_000);

            assertThat(log.applyRetention()).isZero();
            assertThat(log.logStartOffset()).isZero();
        } finally {
            channels.releaseForces();
        }
    }

    @Test
    void shouldDeleteOldestSegmentsBeyondRetentionBytes() throws Exception {
        PartitionLog log =
                logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024", LogConfig.RETENTION_BYTES, "2500"));
        logs.fill(log, 60);
        long before = log.sizeInBytes();
        assertThat(before).isGreaterThan(2500);

        int deleted = log.applyRetention();

        assertThat(deleted).isGreaterThan(0);
        assertThat(log.sizeInBytes()).isLessThanOrEqualTo(2500 + 1024);
        assertThat(log.sizeInBytes()).isGreaterThanOrEqualTo(2500 - 1024);
        assertThat(log.logStartOffset()).isGreaterThan(0);
        assertThat(log.applyRetention()).isZero();
    }

    @Test
    void shouldPersistDeleteRecordsAcrossRestartAndDeleteWholeSegmentsBelowIt() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        logs.fill(log, 40);
        int segments = log.numberOfSegments();

        assertThat(log.deleteRecordsBefore(25)).isEqualTo(25);

        assertThat(log.logStartOffset()).isEqualTo(25);
        assertThat(log.numberOfSegments()).isLessThan(segments);
        assertThat(log.read(24, 100, true).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(TestBatches.offsetsOf(log.read(25, 1, true).records())).containsExactly(25L);
        assertThat(Files.exists(log.dir().resolve(Checkpoints.LOG_START_OFFSET_FILE)))
                .isTrue();

        PartitionLog reopened = logs.restart().log("orders", 0).orElseThrow();
        assertThat(reopened.logStartOffset()).isEqualTo(25);
        assertThat(reopened.read(24, 100, true).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(reopened.deleteRecordsBefore(-1)).isEqualTo(40);
        assertThat(reopened.logStartOffset()).isEqualTo(40);
    }

    @Test
    void shouldRefuseToDeleteRecordsBeyondTheHighWatermark() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        logs.fill(log, 3);

        assertThatThrownBy(() -> log.deleteRecordsBefore(4))
                .isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("orders-0");
        assertThat(log.deleteRecordsBefore(1)).isEqualTo(1);
        assertThat(log.deleteRecordsBefore(0)).isEqualTo(1);
    }

    @Test
    void partitionNotOpenedSinceRestartIsOpenedAndTrimmedOnceItsFilesMayHaveExpired() throws Exception {
        PartitionLog before = logs.create("idle", 0, config(LogConfig.RETENTION_MS, "60000"));
        logs.fill(before, 5);
        logs.restart();
        PartitionLog log = logs.log("idle", 0);
        setSegmentMtimes(log.dir(), logs.clock.milliseconds() - 30_000);

        logs.manager.applyRetentionToAll();
        assertThat(log.isOpen()).isFalse();

        logs.clock.advanceMs(61_000);
        logs.manager.applyRetentionToAll();

        assertThat(log.isOpen()).isTrue();
        assertThat(log.logStartOffset()).isEqualTo(5);
        assertThat(log.logEndOffset()).isEqualTo(5);
    }

    @Test
    void partitionKeptForeverIsNeverOpenedByRetention() throws Exception {
        logs.fill(logs.create("forever", 0, config(LogConfig.RETENTION_MS, "-1")), 5);
        logs.restart();
        PartitionLog log = logs.log("forever", 0);
        setSegmentMtimes(log.dir(), 0);
        logs.clock.advanceMs(100L * 365 * 24 * TestLogs.HOUR);

        logs.manager.applyRetentionToAll();

        assertThat(log.isOpen()).isFalse();
        assertThat(log.logStartOffset()).isZero();
    }

    @Test
    void partitionOverItsRetentionBytesIsOpenedAndTrimmedWithoutWaiting() throws Exception {
        PartitionLog before =
                logs.create("big", 0, config(LogConfig.SEGMENT_BYTES, "1024", LogConfig.RETENTION_BYTES, "1024"));
        logs.fill(before, 40);
        int segments = before.numberOfSegments();
        logs.restart();
        PartitionLog log = logs.log("big", 0);

        logs.manager.applyRetentionToAll();

        assertThat(log.isOpen()).isTrue();
        assertThat(log.numberOfSegments()).isLessThan(segments);
        assertThat(log.logStartOffset()).isGreaterThan(0);
    }

    private static void setSegmentMtimes(Path dir, long ms) throws Exception {
        for (Path file : TestLogs.files(dir, LogSegment.LOG_SUFFIX)) {
            java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(ms));
        }
    }
}
