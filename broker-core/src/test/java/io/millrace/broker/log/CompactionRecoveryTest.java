package io.millrace.broker.log;

import static io.millrace.broker.log.CompactionFixture.compacted;
import static io.millrace.broker.log.CompactionFixture.withoutCodec;
import static io.millrace.broker.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.log.TestBatches.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A crash at every step of a cleaned segment's swap (simulated by copying the data directory at
 * that step and recovering the copy) leaves a consistent log: the old segments or the cleaned one,
 * never both or neither, and no leftover {@code .cleaned}, {@code .swap} or {@code .deleted} file.
 */
class CompactionRecoveryTest {

    @RegisterExtension
    final CompactionFixture f = new CompactionFixture();

    @Test
    void aCrashAtAnyStepOfTheSwapRecoversToTheOldOrTheCleanedLog() throws Exception {
        PartitionLog log = f.create("state", compacted());
        // Two segments that the cleaner merges into one group, then the active one.
        for (int i = 0; i < 6; i++) {
            f.put(log, "k" + (i % 3), "first-" + i);
        }
        f.roll();
        for (int i = 0; i < 4; i++) {
            f.put(log, "k" + (i % 2), "second-" + i, "j" + i, "j");
        }
        f.roll();
        f.put(log, "tail", "t");
        List<Entry> before = withoutCodec(readAll(log));
        Map<SwapObserver.Step, TestLogs> atStep = new EnumMap<>(SwapObserver.Step.class);
        f.cleaner.setSwapObserver(step -> {
            try {
                atStep.put(step, f.logs.crashCopy());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        assertThat(f.clean()).isTrue();
        List<Entry> after = withoutCodec(readAll(log));
        assertThat(after).hasSizeLessThan(before.size());
        assertThat(atStep).containsOnlyKeys(SwapObserver.Step.values());

        for (Map.Entry<SwapObserver.Step, TestLogs> crash : atStep.entrySet()) {
            TestLogs copy = crash.getValue();
            copy.start();
            PartitionLog recovered = copy.log("state", 0);
            List<Entry> expected = crash.getKey() == SwapObserver.Step.CLEANED_WRITTEN ? before : after;

            assertThat(withoutCodec(readAll(recovered)))
                    .as("log recovered after a crash at " + crash.getKey())
                    .containsExactlyElementsOf(expected);
            assertThat(recovered.logEndOffset()).isEqualTo(log.logEndOffset());
            assertThat(leftovers(recovered.dir()))
                    .as("files left after recovery from " + crash.getKey())
                    .isEmpty();
            AppendResult next = recovered.append(
                    TestBatches.keyed(copy.clock.milliseconds(), "k0", "later"), 0, AppendOrigin.CLIENT);
            assertThat(next.error()).isEqualTo(Errors.NONE);
            assertThat(next.baseOffset()).isEqualTo(log.logEndOffset());
        }
    }

    @Test
    void recoveryKeepsTheOldSegmentsWhenTheSwapFileNeverGotItsName() throws Exception {
        PartitionLog log = f.create("state", compacted());
        f.putOverwrittenKey(log);
        List<Entry> before = withoutCodec(readAll(log));
        // The cleaned segment was half renamed: its indexes are .swap, its log file still .cleaned.
        Path dir = log.dir();
        Files.write(LogSegment.file(dir, 0, LogSegment.LOG_SUFFIX + LogSegment.CLEANED_SUFFIX), new byte[100]);
        Files.write(LogSegment.file(dir, 0, LogSegment.INDEX_SUFFIX + LogSegment.SWAP_SUFFIX), new byte[8]);
        TestLogs copy = f.logs.crashCopy();

        copy.start();
        PartitionLog recovered = copy.log("state", 0);

        assertThat(withoutCodec(readAll(recovered))).containsExactlyElementsOf(before);
        assertThat(leftovers(recovered.dir())).isEmpty();
    }

    @Test
    void aSwapSegmentEndingBeforeItsGroupDidLeavesTheOldTailSegmentsInPlace() throws Exception {
        PartitionLog log = f.create("state", compacted(LogConfig.SEGMENT_BYTES, "1024"));
        f.put(log, "k0", "a0", "k1", "a1");
        f.roll();
        f.put(log, "k1", "b1", "k2", "b2");
        f.roll();
        // Large enough that the cleaner groups the first two segments without this one.
        String big = "c".repeat(400);
        f.put(log, "k1", big);
        f.put(log, "k2", big);
        f.roll();
        f.put(log, "tail", "t");
        List<Entry> before = withoutCodec(readAll(log));
        List<TestLogs> firstSwap = new ArrayList<>();
        f.cleaner.setSwapObserver(step -> {
            if (step == SwapObserver.Step.SWAP_RENAMED && firstSwap.isEmpty()) {
                try {
                    firstSwap.add(f.logs.crashCopy());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertThat(f.clean()).isTrue();
        List<Entry> after = withoutCodec(readAll(log));
        TestLogs copy = firstSwap.get(0);

        copy.start();
        PartitionLog recovered = copy.log("state", 0);

        // The first group's cleaned segment holds only k0=a0 (offset 0); the second segment, all of
        // whose records were compacted away, survives the crash whole: a consistent superset.
        List<Entry> read = withoutCodec(readAll(recovered));
        assertThat(before).containsAll(read);
        assertThat(read)
                .containsAll(after)
                .extracting(Entry::value)
                .contains("b1", "b2")
                .doesNotContain("a1");
        assertThat(CompactionFixture.latest(read)).isEqualTo(CompactionFixture.latest(after));
        assertThat(leftovers(recovered.dir())).isEmpty();

        LogCleaner cleaner = copy.manager.cleaner();
        assertThat(cleaner.cleanOnce(cleaner.newCleaner(0))).isTrue();
        assertThat(withoutCodec(readAll(recovered))).containsExactlyElementsOf(after);
    }

    private static List<Path> leftovers(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(LogSegment.CLEANED_SUFFIX)
                                || n.endsWith(LogSegment.SWAP_SUFFIX)
                                || n.endsWith(LogSegment.DELETED_SUFFIX);
                    })
                    .toList();
        }
    }
}
