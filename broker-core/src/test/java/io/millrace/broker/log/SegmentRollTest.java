package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SegmentRollTest {

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    @Test
    void shouldRollWhenSegmentMsHasPassedSinceTheFirstAppend() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_MS, "60000"));
        append(log, TestBatches.batch(logs.clock.milliseconds(), "a"));
        logs.clock.advanceMs(59_000);
        append(log, TestBatches.batch(logs.clock.milliseconds(), "b"));
        assertThat(log.numberOfSegments()).isEqualTo(1);

        logs.clock.advanceMs(2_000);
        AppendResult r = append(log, TestBatches.batch(logs.clock.milliseconds(), "c"));

        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(TestLogs.segmentFile(log, r.baseOffset(), LogSegment.LOG_SUFFIX))
                .exists();
    }

    @Test
    void shouldRollWhenTheIndexIsFull() throws Exception {
        PartitionLog log = logs.create(
                "orders", 0, config(LogConfig.SEGMENT_INDEX_BYTES, "32", LogConfig.INDEX_INTERVAL_BYTES, "0"));
        for (int i = 0; i < 20; i++) {
            append(log, TestBatches.batch(logs.clock.milliseconds(), "v" + i));
        }
        awaitDurable(log);

        assertThat(log.numberOfSegments()).isGreaterThan(3);
        for (long offset = 0; offset < 20; offset++) {
            assertThat(TestBatches.valuesOf(log.read(offset, 1, true).records()))
                    .containsExactly("v" + offset);
        }
    }

    @Test
    void shouldDetectADamagedTailEvenAfterACleanShutdown() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        for (int i = 0; i < 5; i++) {
            append(log, TestBatches.batch(logs.clock.milliseconds(), "v" + i));
        }
        Path segment = TestLogs.segmentFile(log, 0, LogSegment.LOG_SUFFIX);
        logs.manager.close();
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(f.length() - 2);
            f.write(0x55);
        }

        logs.start();

        PartitionLog reopened = logs.log("orders", 0);
        assertThat(reopened.logEndOffset()).isEqualTo(4);
        assertThat(TestBatches.valuesOf(reopened.read(3, 1 << 20, true).records()))
                .containsExactly("v3");
    }

    @Test
    void shouldKeepOffsetsContiguousUnderConcurrentAppendsAndReads() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "4096"));
        int writers = 4;
        int perWriter = 200;
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (writing.get()) {
                long durable = log.durableOffset();
                if (durable == 0) {
                    continue;
                }
                LogReadResult r = log.read(durable - 1, 1 << 20, true);
                try {
                    List<Long> offsets = TestBatches.offsetsOf(r.records());
                    if (r.error() != Errors.NONE
                            || offsets.isEmpty()
                            || offsets.get(offsets.size() - 1) >= r.highWatermark()) {
                        problems.add("read at " + (durable - 1) + " gave " + r.error() + " " + offsets);
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }
        });
        reader.start();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perWriter; i++) {
                    AppendResult r = log.append(
                            TestBatches.batch(logs.clock.milliseconds(), "w" + id + "-" + i), 0, AppendOrigin.CLIENT);
                    if (r.error() != Errors.NONE) {
                        problems.add(r.errorMessage());
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        awaitDurable(log);
        writing.set(false);
        reader.join(30_000);

        assertThat(problems).isEmpty();
        assertThat(log.logEndOffset()).isEqualTo((long) writers * perWriter);
        List<Long> all = new ArrayList<>();
        long next = 0;
        while (next < log.durableOffset()) {
            List<Long> got = TestBatches.offsetsOf(log.read(next, 1 << 20, true).records());
            all.addAll(got);
            next = got.get(got.size() - 1) + 1;
        }
        assertThat(all).hasSize(writers * perWriter).isSorted().doesNotHaveDuplicates();
    }
}
