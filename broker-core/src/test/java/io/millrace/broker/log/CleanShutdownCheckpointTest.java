package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The clean-shutdown checkpoint: a restart after a clean shutdown opens partitions lazily and
 * trusts their files; a torn checkpoint, or an entry its partition's files contradict, is ignored
 * and the partition recovered by scanning.
 *
 * <p>Each test damages a batch in the middle of the last segment after the shutdown. Only a scan
 * notices it (the clean path checks the last batch and the tail past the last index entry), so
 * where the log ends after the restart tells whether the checkpoint was trusted.
 */
class CleanShutdownCheckpointTest {

    private static final int BATCHES = 40;
    private static final int DAMAGED = 10;

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    @Test
    void restartAfterCleanShutdownOpensNothingAndTrustsTheFiles() throws Exception {
        Path dir = closedLogWithDamageAt(DAMAGED);

        logs.start();
        PartitionLog log = logs.log("orders", 0);

        assertThat(log.isOpen()).isFalse();
        assertThat(logs.manager.openedLogs()).isZero();
        assertThat(log.logEndOffset()).isEqualTo(BATCHES);
        assertThat(log.isOpen()).isTrue();
        assertThat(TestLogs.files(dir, LogSegment.LOG_SUFFIX)).hasSize(1);
    }

    @Test
    void restartAfterCleanShutdownListsEveryPartitionWithoutOpeningAny() throws Exception {
        for (int p = 0; p < 50; p++) {
            logs.fill(logs.create("many", p, config()), 2);
        }
        logs.manager.close();

        logs.start();

        assertThat(logs.manager.logs()).hasSize(50);
        assertThat(logs.manager.openedLogs()).isZero();
        assertThat(logs.log("many", 49).logEndOffset()).isEqualTo(2);
        assertThat(logs.manager.openedLogs()).isOne();
    }

    @Test
    void tornCheckpointIsIgnoredAndThePartitionIsScanned() throws Exception {
        Path dir = closedLogWithDamageAt(DAMAGED);
        Path checkpoint = logs.dirs.get(0).resolve(CleanShutdownCheckpoint.FILE);
        byte[] bytes = Files.readAllBytes(checkpoint);
        Files.write(checkpoint, java.util.Arrays.copyOf(bytes, bytes.length - 3));

        assertThat(CleanShutdownCheckpoint.read(logs.dirs.get(0))).isEmpty();
        logs.start();

        assertThat(logs.log("orders", 0).logEndOffset()).isEqualTo(DAMAGED);
        assertThat(TestLogs.readAll(logs.log("orders", 0))).hasSize(DAMAGED);
        assertThat(dir).isDirectory();
    }

    @Test
    void checkpointWithAFlippedByteIsIgnored() throws Exception {
        closedLogWithDamageAt(DAMAGED);
        TestLogs.flipByte(logs.dirs.get(0).resolve(CleanShutdownCheckpoint.FILE), 12);

        logs.start();

        assertThat(logs.log("orders", 0).logEndOffset()).isEqualTo(DAMAGED);
    }

    @Test
    void staleEntryIsIgnoredWhenThePartitionsFilesEndElsewhere() throws Exception {
        Path dir = closedLogWithDamageAt(DAMAGED);
        // The last segment loses its last five batches at a batch boundary (a restored backup, say):
        // every check of the clean path passes, but the log no longer ends where the shutdown saw it.
        long cut = positionOf(dir, BATCHES - 5);
        try (RandomAccessFile f = new RandomAccessFile(lastSegment(dir).toFile(), "rw")) {
            f.setLength(cut);
        }

        logs.start();

        assertThat(logs.log("orders", 0).logEndOffset()).isEqualTo(DAMAGED);
        assertThat(TestLogs.readAll(logs.log("orders", 0)))
                .extracting(TestBatches.Entry::value)
                .containsExactlyElementsOf(List.of(TestBatches.values("value-", DAMAGED)));
    }

    @Test
    void checkpointIsDeletedAtStartupSoACrashAfterwardsIsUnclean() throws Exception {
        closedLogWithDamageAt(DAMAGED);

        logs.start();

        assertThat(logs.dirs.get(0).resolve(CleanShutdownCheckpoint.FILE)).doesNotExist();
        TestLogs crashed = logs.crashCopy();
        crashed.start();
        assertThat(crashed.log("orders", 0).logEndOffset()).isEqualTo(DAMAGED);
    }

    @Test
    void partitionNeverOpenedStaysCleanAcrossRestarts() throws Exception {
        closedLogWithDamageAt(DAMAGED);
        logs.start();
        logs.manager.close();

        Optional<Map<String, CleanShutdownCheckpoint.Entry>> entries = CleanShutdownCheckpoint.read(logs.dirs.get(0));

        assertThat(entries).isPresent();
        assertThat(entries.get().get("orders-0").logEndOffset()).isEqualTo(BATCHES);
        logs.start();
        assertThat(logs.log("orders", 0).logEndOffset()).isEqualTo(BATCHES);
    }

    @Test
    void createdPartitionIsOnlyADirectoryUntilFirstUse() throws Exception {
        PartitionLog log = logs.create("fresh", 0, config());

        assertThat(log.dir()).isEmptyDirectory();
        logs.manager.close();
        logs.start();
        PartitionLog reopened = logs.log("fresh", 0);

        assertThat(reopened.isOpen()).isFalse();
        assertThat(TestLogs.append(reopened, TestBatches.batch(logs.clock.milliseconds(), "first"))
                        .baseOffset())
                .isZero();
        assertThat(TestLogs.files(reopened.dir(), LogSegment.LOG_SUFFIX)).hasSize(1);
    }

    /** One partition of {@link #BATCHES} one-record batches, closed cleanly, then batch {@code damaged} corrupted. */
    private Path closedLogWithDamageAt(int damaged) throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.INDEX_INTERVAL_BYTES, "100000"));
        logs.fill(log, BATCHES);
        Path dir = log.dir();
        long position = positionOf(dir, damaged);
        logs.manager.close();
        // A byte of the record value, inside the CRC's range.
        TestLogs.flipByte(lastSegment(dir), position + BatchHeader.HEADER_SIZE + 8);
        return dir;
    }

    /** File position of the batch holding {@code offset} in the only segment of the open log in {@code dir}. */
    private long positionOf(Path dir, long offset) throws Exception {
        long position = 0;
        BatchHeader header = BatchHeader.forThread();
        try (var ch = java.nio.channels.FileChannel.open(lastSegment(dir))) {
            long size = ch.size();
            while (header.load(ch, position, size) && header.lastOffset() < offset) {
                position += header.sizeInBytes();
            }
        }
        return position;
    }

    private static Path lastSegment(Path dir) throws Exception {
        List<Path> segments = TestLogs.files(dir, LogSegment.LOG_SUFFIX);
        return segments.get(segments.size() - 1);
    }
}
