package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.log.TestBatches.Entry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogRecoveryTest {

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    /** The values of {@link TestLogs#readAll}. */
    private static List<String> readAll(PartitionLog log) throws Exception {
        return TestLogs.readAll(log).stream().map(Entry::value).toList();
    }

    @Test
    void shouldRecoverATornTailToTheLastCompleteBatch() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        logs.fill(log, 10);
        int size = log.activeSegment().size(); // the file may be longer: zero-filled space
        TestLogs crashed = logs.crashCopy();
        Path segment = LogSegment.file(crashed.dirs.get(0).resolve("orders-0"), 0, LogSegment.LOG_SUFFIX);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(size - 7);
        }

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        assertThat(recovered.logEndOffset()).isEqualTo(9);
        assertThat(recovered.durableOffset()).isEqualTo(9);
        assertThat(readAll(recovered)).containsExactlyElementsOf(List.of(TestBatches.values("value-", 9)));
        AppendResult next = append(recovered, TestBatches.batch(crashed.clock.milliseconds(), "new"));
        assertThat(next.baseOffset()).isEqualTo(9);
    }

    @Test
    void shouldTruncateAtACorruptBatchAndDropLaterSegments() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        List<Integer> sizes = logs.fill(log, 40);
        assertThat(log.numberOfSegments()).isGreaterThanOrEqualTo(3);
        List<Path> segmentFiles = TestLogs.files(log.dir(), LogSegment.LOG_SUFFIX);
        long secondBase =
                Long.parseLong(segmentFiles.get(1).getFileName().toString().substring(0, 20));
        TestLogs crashed = logs.crashCopy();
        Path dir = crashed.dirs.get(0).resolve("orders-0");
        // flip one bit inside the third batch of the second segment
        int position = sizes.get((int) secondBase) + sizes.get((int) secondBase + 1) + 70;
        Path second = LogSegment.file(dir, secondBase, LogSegment.LOG_SUFFIX);
        try (RandomAccessFile f = new RandomAccessFile(second.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x10);
        }

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        assertThat(recovered.logEndOffset()).isEqualTo(secondBase + 2);
        assertThat(recovered.numberOfSegments()).isEqualTo(2);
        assertThat(TestLogs.files(dir, LogSegment.LOG_SUFFIX)).hasSize(2);
        assertThat(readAll(recovered))
                .containsExactlyElementsOf(List.of(TestBatches.values("value-", (int) secondBase + 2)));
    }

    @Test
    void shouldRebuildAMissingIndexOfAClosedSegment() throws Exception {
        PartitionLog log = logs.create(
                "orders", 0, config(LogConfig.SEGMENT_BYTES, "2048", LogConfig.INDEX_INTERVAL_BYTES, "100"));
        logs.fill(log, 60);
        Path dir = log.dir();
        logs.manager.close();
        Path index = LogSegment.file(dir, 0, LogSegment.INDEX_SUFFIX);
        Path timeIndex = LogSegment.file(dir, 0, LogSegment.TIME_INDEX_SUFFIX);
        Files.delete(index);
        Files.delete(timeIndex);

        logs.start();
        PartitionLog reopened = logs.log("orders", 0);

        assertThat(reopened.logEndOffset()).isEqualTo(60); // first use: the log opens
        assertThat(index).isNotEmptyFile();
        assertThat(timeIndex).exists();
        for (long offset : new long[] {0, 5, 13, 20}) {
            assertThat(TestBatches.valuesOf(reopened.read(offset, 1, true).records()))
                    .containsExactly("value-" + offset);
        }
    }

    @Test
    void shouldKeepEverythingAcrossACleanRestart() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        logs.fill(log, 30);
        int segments = log.numberOfSegments();

        logs.restart();
        PartitionLog reopened = logs.log("orders", 0);

        assertThat(reopened.numberOfSegments()).isEqualTo(segments);
        assertThat(reopened.logEndOffset()).isEqualTo(30);
        assertThat(reopened.durableOffset()).isEqualTo(30);
        assertThat(readAll(reopened)).containsExactlyElementsOf(List.of(TestBatches.values("value-", 30)));
        assertThat(append(reopened, TestBatches.batch(logs.clock.milliseconds(), "more"))
                        .baseOffset())
                .isEqualTo(30);
    }

    @Test
    void shouldRecoverAnUncleanCopyWithoutLosingDurableData() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        logs.fill(log, 30);
        logs.manager.checkpointRecoveryPoints();
        logs.fill(log, 0);
        for (int i = 30; i < 45; i++) {
            append(log, TestBatches.batch(logs.clock.milliseconds(), "value-" + i));
        }
        awaitDurable(log);
        TestLogs crashed = logs.crashCopy();

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        assertThat(recovered.logEndOffset()).isEqualTo(45);
        assertThat(readAll(recovered)).containsExactlyElementsOf(List.of(TestBatches.values("value-", 45)));
    }

    @Test
    void shouldScanOnlyFromTheSegmentHoldingTheRecoveryPointAfterACrash() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        List<Integer> sizes = logs.fill(log, 40);
        logs.manager.checkpointRecoveryPoints();
        long recoveryPoint = Checkpoints.readRecoveryPoints(logs.dirs.get(0)).get("orders-0");
        assertThat(recoveryPoint).isEqualTo(40);
        List<Path> segmentFiles = TestLogs.files(log.dir(), LogSegment.LOG_SUFFIX);
        long lastBase = Long.parseLong(segmentFiles
                .get(segmentFiles.size() - 1)
                .getFileName()
                .toString()
                .substring(0, 20));
        int lastSize = log.activeSegment().size(); // the file may be longer: zero-filled space
        TestLogs crashed = logs.crashCopy();
        Path dir = crashed.dirs.get(0).resolve("orders-0");
        // damage the middle of the first segment (trusted: below the recovery point's segment) and the
        // last batch of the last segment (scanned)
        TestLogs.flipByte(LogSegment.file(dir, 0, LogSegment.LOG_SUFFIX), sizes.get(0) + 70);
        Path last = LogSegment.file(dir, lastBase, LogSegment.LOG_SUFFIX);
        TestLogs.flipByte(last, lastSize - 3);

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        assertThat(recovered.logEndOffset()).isEqualTo(39);
        assertThat(recovered.numberOfSegments()).isEqualTo(segmentFiles.size());
    }

    @Test
    void shouldStartDespiteGarbageInEveryFileItReads() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        logs.fill(log, 30);
        Path dir = log.dir();
        logs.manager.close();
        java.util.Random random = new java.util.Random(42);
        byte[] junk = new byte[3000];
        random.nextBytes(junk);
        List<Path> segmentFiles = TestLogs.files(dir, LogSegment.LOG_SUFFIX);
        Files.write(segmentFiles.get(segmentFiles.size() - 1), junk, java.nio.file.StandardOpenOption.APPEND);
        Files.write(TestLogs.files(dir, LogSegment.INDEX_SUFFIX).get(0), junk);
        Files.write(TestLogs.files(dir, LogSegment.TIME_INDEX_SUFFIX).get(0), new byte[] {1, 2, 3});
        Files.write(dir.resolve("00000000000000000030.snapshot"), junk);
        Files.write(dir.resolve(Checkpoints.LOG_START_OFFSET_FILE), junk);
        Files.write(logs.dirs.get(0).resolve(Checkpoints.RECOVERY_POINT_FILE), junk);
        Files.write(dir.resolve("00000000000000999999.log"), junk);
        Files.delete(logs.dirs.get(0).resolve(CleanShutdownCheckpoint.FILE));

        logs.start();
        PartitionLog recovered = logs.log("orders", 0);

        assertThat(recovered.logEndOffset()).isEqualTo(30);
        assertThat(recovered.logStartOffset()).isZero();
        assertThat(readAll(recovered)).containsExactlyElementsOf(List.of(TestBatches.values("value-", 30)));
        assertThat(dir.resolve("00000000000000999999.log")).doesNotExist();
        assertThat(append(recovered, TestBatches.batch(logs.clock.milliseconds(), "after"))
                        .baseOffset())
                .isEqualTo(30);
    }

    @Test
    void shouldRemoveLeftoverFilesOfInterruptedOperations() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        logs.fill(log, 3);
        Path dir = log.dir();
        logs.manager.close();
        Files.writeString(dir.resolve("00000000000000000000.log.deleted"), "x");
        Files.writeString(dir.resolve("log-start-offset.tmp"), "x");
        Files.writeString(dir.resolve("00000000000000000077.index"), "x");

        logs.start();

        assertThat(logs.log("orders", 0).logEndOffset()).isEqualTo(3); // first use: the log opens
        assertThat(dir.resolve("00000000000000000000.log.deleted")).doesNotExist();
        assertThat(dir.resolve("log-start-offset.tmp")).doesNotExist();
        assertThat(dir.resolve("00000000000000000077.index")).doesNotExist();
    }
}
