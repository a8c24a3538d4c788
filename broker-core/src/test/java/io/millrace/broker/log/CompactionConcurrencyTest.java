package io.millrace.broker.log;

import static io.millrace.broker.log.CompactionFixture.compacted;
import static io.millrace.broker.log.CompactionFixture.latest;
import static io.millrace.broker.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.log.TestBatches.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cleaner thread compacts a log while a writer appends and a reader walks the whole log again
 * and again: every pass of the reader sees a consistent log.
 */
class CompactionConcurrencyTest {

    private static final int KEYS = 20;

    @RegisterExtension
    final TestLogs logs = new TestLogs().withCleaner(new CleanerConfig(true, 1, 1 << 20, 16 * 1024, 1));

    @Test
    void readersSeeAConsistentLogWhileTheCleanerThreadCompactsIt() throws Exception {
        // Replaced segments stay open for reads in flight for file.delete.delay.ms (0 elsewhere in tests).
        PartitionLog log = logs.create(
                "state", 0, compacted(LogConfig.SEGMENT_BYTES, "1024", LogConfig.FILE_DELETE_DELAY_MS, "10000"));
        Map<String, Integer> lastWritten = new ConcurrentHashMap<>();
        List<String> problems = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger readerPasses = new AtomicInteger();
        Thread reader = new Thread(
                () -> {
                    while (!stop.get()) {
                        try {
                            String problem = checkConsistent(readAll(log), lastWritten);
                            if (problem != null) {
                                synchronized (problems) {
                                    problems.add(problem);
                                }
                            }
                        } catch (Throwable t) {
                            synchronized (problems) {
                                problems.add("read failed: " + t);
                            }
                        }
                        readerPasses.incrementAndGet();
                    }
                },
                "test-reader");
        reader.start();
        LogCleaner cleaner = logs.manager.cleaner();

        int seq = 0;
        try {
            while (cleaner.passes() < 3 || readerPasses.get() < 20) {
                assertThat(seq)
                        .as("records written before the cleaner and reader made progress")
                        .isLessThan(200_000);
                String key = "k" + (seq % KEYS);
                // Publish the sequence before appending: a reader may only see values up to it.
                lastWritten.put(key, seq);
                TestLogs.append(log, TestBatches.keyed(logs.clock.milliseconds(), key, key + "#" + seq));
                seq++;
                if (seq % 50 == 0) {
                    TestLogs.awaitDurable(log);
                }
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        synchronized (problems) {
            assertThat(problems).as("inconsistencies seen by the reader").isEmpty();
        }

        // Roll so everything written is cleanable, then wait for the cleaner to catch up.
        log.updateConfig(compacted(
                LogConfig.SEGMENT_BYTES, "1024", LogConfig.SEGMENT_MS, "1", LogConfig.FILE_DELETE_DELAY_MS, "10000"));
        logs.clock.advanceMs(2);
        TestLogs.append(log, TestBatches.keyed(logs.clock.milliseconds(), "end", "end"));
        TestLogs.awaitDurable(log);
        long activeBase = log.activeSegment().baseOffset();
        TestLogs.await("the cleaner compacts up to the active segment", () -> {
            Long firstDirty = cleaner.firstDirtyOffset(log);
            return firstDirty != null && firstDirty == activeBase;
        });

        List<Entry> all = readAll(log);
        Map<String, String> expected = new HashMap<>();
        lastWritten.forEach((k, s) -> expected.put(k, k + "#" + s));
        expected.put("end", "end");
        assertThat(latest(all)).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(all).as("one record per key once compacted").hasSize(expected.size());
    }

    /** Null when the pass is consistent, else what is wrong with it. */
    private static String checkConsistent(List<Entry> pass, Map<String, Integer> lastWritten) {
        long previousOffset = -1;
        Map<String, Integer> previousSeq = new HashMap<>();
        for (Entry e : pass) {
            if (e.offset() <= previousOffset) {
                return "offset " + e.offset() + " after " + previousOffset;
            }
            previousOffset = e.offset();
            String[] parts = e.value() == null ? new String[0] : e.value().split("#");
            if (parts.length != 2 || !parts[0].equals(e.key())) {
                return "record at " + e.offset() + " has key " + e.key() + " and value " + e.value();
            }
            int seq = Integer.parseInt(parts[1]);
            Integer newest = lastWritten.get(e.key());
            if (newest == null || seq > newest) {
                return "value " + e.value() + " was never written";
            }
            Integer before = previousSeq.put(e.key(), seq);
            if (before != null && before >= seq) {
                return "key " + e.key() + " went from " + before + " back to " + seq + " at offset " + e.offset();
            }
        }
        return null;
    }
}
