package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.await;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SegmentPrefillTest {

    private static final int MB = 1024 * 1024;

    /** Files of the tests of {@link SegmentPrefill} on its own. */
    @TempDir
    Path tmp;

    /** Started by the tests in a partition log. */
    @RegisterExtension
    final TestLogs logs = new TestLogs().startedByTest();

    // ---- SegmentPrefill on its own ----

    @Test
    void fillsAChunkOfZerosAheadOnlyWhenLittleFilledSpaceIsLeft() throws Exception {
        try (FileChannel ch = open("a.log")) {
            SegmentPrefill prefill = new SegmentPrefill(0);

            assertThat(prefill.wantsFill(0, MB, 8 * MB)).isTrue();
            assertThat(prefill.wantsFill(0, MB, 8 * MB))
                    .as("one fill pending at a time")
                    .isFalse();
            assertThat(prefill.fillAhead(ch, MB, 8 * MB, 0)).isTrue();

            assertThat(ch.size()).isEqualTo(SegmentPrefill.MIN_CHUNK);
            assertThat(prefill.allocated()).isEqualTo(SegmentPrefill.MIN_CHUNK);
            assertThat(readAll(ch)).containsOnly(0);
            assertThat(prefill.wantsFill(1000, MB, 8 * MB))
                    .as("most of the chunk is left")
                    .isFalse();
            assertThat(prefill.wantsFill(SegmentPrefill.MIN_CHUNK - 1000, MB, 8 * MB))
                    .isTrue();
        }
    }

    @Test
    void chunksDoubleWhileUsedUpWithinASecondAndShrinkAfterAnIdleSpell() throws Exception {
        try (FileChannel ch = open("a.log")) {
            SegmentPrefill prefill = new SegmentPrefill(0);
            List<Integer> chunks = new ArrayList<>();
            long[] times = {0, 100, 200, 300, 5_000};
            for (long now : times) {
                int before = prefill.allocated();
                assertThat(prefill.wantsFill(before, 64 * MB, 256 * 1024)).isTrue();
                prefill.fillAhead(ch, 64 * MB, 256 * 1024, now);
                chunks.add(prefill.allocated() - before);
            }

            // capped at 256 KiB here; halved after 4.7 s without a fill
            assertThat(chunks).containsExactly(64 * 1024, 128 * 1024, 256 * 1024, 256 * 1024, 128 * 1024);
        }
    }

    @Test
    void chunksStopGrowingAtTheLargestIntWithoutOverflowing() throws Exception {
        try (FileChannel ch = open("a.log")) {
            SegmentPrefill prefill = new SegmentPrefill(0);
            for (int i = 0; i < 40; i++) {
                prefill.fillAhead(ch, 1000, Integer.MAX_VALUE, i); // limit reached at once: only the chunk grows
            }

            assertThat(prefill.chunk()).isEqualTo(Integer.MAX_VALUE);
            assertThat(ch.size()).isEqualTo(1000);
        }
    }

    @Test
    void neverFillsPastTheSegmentLimitNorWhenTurnedOff() throws Exception {
        try (FileChannel ch = open("a.log")) {
            SegmentPrefill prefill = new SegmentPrefill(0);
            assertThat(prefill.wantsFill(0, 10_000, 0))
                    .as("log.preallocate.bytes=0")
                    .isFalse();

            assertThat(prefill.wantsFill(0, 10_000, 8 * MB)).isTrue();
            prefill.fillAhead(ch, 10_000, 8 * MB, 0);

            assertThat(ch.size()).isEqualTo(10_000);
            assertThat(prefill.wantsFill(9_999, 10_000, 8 * MB)).isFalse();
        }
    }

    @Test
    void aSealedSegmentIsNeverFilledAgain() throws Exception {
        try (FileChannel ch = open("a.log")) {
            SegmentPrefill prefill = new SegmentPrefill(0);
            prefill.wantsFill(0, MB, 8 * MB);
            prefill.fillAhead(ch, MB, 8 * MB, 0);

            assertThat(prefill.seal(100)).as("zeros lay beyond the data").isTrue();
            assertThat(prefill.allocated()).isEqualTo(100);
            assertThat(prefill.wantsFill(100, MB, 8 * MB)).isFalse();
        }
    }

    @Test
    void anAppenderThatOutrunsTheFillNeverHasItsBytesOverwrittenByZeros() throws Exception {
        int records = 4000;
        int recordSize = 700;
        try (FileChannel ch = open("a.log")) {
            SegmentPrefill prefill = new SegmentPrefill(0);
            AtomicInteger size = new AtomicInteger();
            AtomicBoolean appending = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread filler = new Thread(() -> {
                try {
                    long now = 0;
                    while (appending.get()) {
                        if (prefill.wantsFill(size.get(), Integer.MAX_VALUE, 32 * 1024)) {
                            prefill.fillAhead(ch, Integer.MAX_VALUE, 32 * 1024, now++);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            filler.start();
            for (int i = 0; i < records; i++) {
                byte[] record = new byte[recordSize];
                Arrays.fill(record, (byte) (1 + i % 250));
                int end = size.get() + recordSize;
                boolean claimed = prefill.beforeWrite(end);
                try {
                    ByteBuffer b = ByteBuffer.wrap(record);
                    long at = size.get();
                    while (b.hasRemaining()) {
                        at += ch.write(b, at);
                    }
                } finally {
                    if (claimed) {
                        prefill.afterWrite(end, true);
                    }
                }
                size.set(end);
            }
            appending.set(false);
            filler.join(10_000);

            assertThat(failure.get()).isNull();
            byte[] all = readAll(ch);
            assertThat(all.length).isGreaterThanOrEqualTo(records * recordSize);
            for (int i = 0; i < records; i++) {
                for (int j = 0; j < recordSize; j++) {
                    if (all[i * recordSize + j] != (byte) (1 + i % 250)) {
                        throw new AssertionError("record " + i + " damaged at byte " + j);
                    }
                }
            }
            for (int k = records * recordSize; k < all.length; k++) {
                assertThat(all[k]).as("byte %d beyond the data", k).isZero();
            }
        }
    }

    // ---- in a partition log ----

    @Test
    void aBusyPartitionsActiveSegmentHasZerosBeyondItsDataAndReadsOnlyTheData() throws Exception {
        PartitionLog log = preallocatedLog(20);

        assertThat(values(log, 0, 20)).containsExactly(TestBatches.values("v", 20));
    }

    @Test
    void rollingAndCleanShutdownCutEverySegmentFileToItsData() throws Exception {
        PartitionLog log = rolledLog(100);
        assertThat(log.numberOfSegments()).isGreaterThan(3);
        for (LogSegment s :
                log.segmentMap().headMap(log.activeSegment().baseOffset()).values()) {
            assertThat(fileLength(s)).as("rolled segment %s", s).isEqualTo(s.size());
        }
        Path dir = log.dir();
        Map<Long, Integer> sizes = new TreeMap<>();
        log.segmentMap().forEach((base, s) -> sizes.put(base, s.size()));

        logs.manager.close();

        for (var e : sizes.entrySet()) {
            assertThat(Files.size(LogSegment.file(dir, e.getKey(), LogSegment.LOG_SUFFIX)))
                    .as("segment %d after a clean shutdown", e.getKey())
                    .isEqualTo(e.getValue().longValue());
        }
        logs.start();
        PartitionLog reopened = logs.log("orders", 0);
        assertThat(reopened.logEndOffset()).isEqualTo(100);
        assertThat(values(reopened, 0, 100)).containsExactly(TestBatches.values("v", 100));
    }

    @Test
    void afterACrashRecoveryCutsTheZerosAndKeepsEveryRecord() throws Exception {
        PartitionLog log = preallocatedLog(30);
        int size = log.activeSegment().size();

        TestLogs crashed = logs.crashCopy();
        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        assertThat(recovered.logEndOffset()).isEqualTo(30);
        assertThat(Files.size(LogSegment.file(recovered.dir(), 0, LogSegment.LOG_SUFFIX)))
                .isEqualTo(size);
        assertThat(values(recovered, 0, 30)).containsExactly(TestBatches.values("v", 30));
        assertThat(append(recovered, TestBatches.batch(crashed.clock.milliseconds(), "v30"))
                        .baseOffset())
                .isEqualTo(30);
    }

    @Test
    void zerosLeftAtTheEndOfARolledSegmentThatTheNextOneFollowsAreCutWithoutLoss() throws Exception {
        PartitionLog log = rolledLog(60);
        TestLogs crashed = logs.crashCopy();
        Path first = LogSegment.file(crashed.dirs.get(0).resolve("orders-0"), 0, LogSegment.LOG_SUFFIX);
        // a crash before the cut at the roll reached the disk
        Files.write(first, new byte[1024], StandardOpenOption.APPEND);

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        assertThat(recovered.logEndOffset()).isEqualTo(60);
        assertThat(recovered.numberOfSegments()).isEqualTo(log.numberOfSegments());
        assertThat(values(recovered, 0, 60)).containsExactly(TestBatches.values("v", 60));
    }

    @Test
    void zerosWhereRecordsOfARolledSegmentShouldBeDropTheSegmentsAfterIt() throws Exception {
        PartitionLog log = rolledLog(60);
        long secondBase = log.segmentMap().higherKey(0L);
        int lastBatchSize = TestBatches.batch(0, "v" + (secondBase - 1)).remaining();
        TestLogs crashed = logs.crashCopy();
        Path first = LogSegment.file(crashed.dirs.get(0).resolve("orders-0"), 0, LogSegment.LOG_SUFFIX);
        // the first segment's last batch never reached the disk, the zeros preallocated there did
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(f.length() - lastBatchSize);
            f.write(new byte[lastBatchSize]);
        }

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        assertThat(recovered.logEndOffset()).isEqualTo(secondBase - 1);
        assertThat(recovered.numberOfSegments()).isEqualTo(1);
        assertThat(values(recovered, 0, (int) secondBase - 1))
                .containsExactly(TestBatches.values("v", (int) secondBase - 1));
    }

    @Test
    void withPreallocationTurnedOffTheFileHoldsOnlyData() throws Exception {
        logs.withPreallocateBytes(0).start();
        PartitionLog log = logs.create("orders", 0, config());
        for (int round = 0; round < 5; round++) {
            appendValues(log, round * 10, 10);
        }

        assertThat(fileLength(log.activeSegment()))
                .isEqualTo(log.activeSegment().size());
    }

    // ---- helpers ----

    private FileChannel open(String name) throws Exception {
        return FileChannel.open(
                tmp.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static byte[] readAll(FileChannel ch) throws Exception {
        ByteBuffer b = ByteBuffer.allocate((int) ch.size());
        while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
            // read on
        }
        return b.array();
    }

    private static long fileLength(LogSegment segment) {
        try {
            return segment.channel().size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Starts {@link #logs} with a partition holding durable values v0..v{n-1} and waits until
     * space is preallocated beyond them in its active segment.
     */
    private PartitionLog preallocatedLog(int n) throws Exception {
        logs.start();
        PartitionLog log = logs.create("orders", 0, config());
        appendValues(log, 0, n);
        LogSegment active = log.activeSegment();
        await("space is preallocated", () -> fileLength(active) > active.size());
        return log;
    }

    /**
     * Starts {@link #logs} with a partition of 1 KiB segments holding durable values v0..v{n-1},
     * appended ten at a time (so several segments roll).
     */
    private PartitionLog rolledLog(int n) throws Exception {
        logs.start();
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        for (int from = 0; from < n; from += 10) {
            appendValues(log, from, 10);
        }
        return log;
    }

    /** Appends values v{from}..v{from+n-1}, one batch each, and waits until they are durable. */
    private void appendValues(PartitionLog log, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            append(log, TestBatches.batch(logs.clock.milliseconds(), "v" + i));
        }
        awaitDurable(log);
    }

    private static List<String> values(PartitionLog log, long from, int n) throws Exception {
        List<String> out = new ArrayList<>();
        long next = from;
        while (out.size() < n) {
            LogReadResult r = log.read(next, 1 << 20, true);
            assertThat(r.error()).isEqualTo(Errors.NONE);
            List<Long> offsets = TestBatches.offsetsOf(r.records());
            assertThat(offsets).as("records at %d", next).isNotEmpty();
            out.addAll(TestBatches.valuesOf(r.records()));
            next = offsets.get(offsets.size() - 1) + 1;
        }
        return out;
    }
}
