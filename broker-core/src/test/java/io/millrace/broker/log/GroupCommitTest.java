package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.await;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GroupCommitTest {

    private final FaultInjectingChannels channels = new FaultInjectingChannels();

    // Preallocation's fills fsync too (SegmentPrefillTest covers them); these tests count and block
    // the fsyncs of data.
    @RegisterExtension
    final TestLogs logs = new TestLogs(1, channels).withPreallocateBytes(0);

    @AfterEach
    void tearDown() {
        channels.releaseWrites();
        channels.releaseForces();
        channels.failForce = false;
        channels.failWrite = false;
    }

    @Test
    void shouldCompleteWhenDurableOnlyAfterTheFsync() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.FLUSH_MS, "3600000"));
        channels.blockForces();
        append(log, TestBatches.batch(logs.clock.milliseconds(), "a"));
        CompletableFuture<Errors> done = new CompletableFuture<>();

        log.whenDurable(1, done::complete);
        await("the group-commit thread is inside fsync", () -> channels.blockedForces.get() == 1);

        assertThat(done).isNotDone();
        assertThat(log.durableOffset()).isZero();
        channels.releaseForces();
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
        assertThat(log.durableOffset()).isEqualTo(1);
    }

    @Test
    void withSeveralFlushThreadsFsyncsOfDifferentPartitionsRunConcurrently() throws Exception {
        logs.withFlushThreads(2).restart();
        PartitionLog first = logs.create("orders", 0, config(LogConfig.FLUSH_MS, "3600000"));
        PartitionLog second = logs.create("orders", 1, config(LogConfig.FLUSH_MS, "3600000"));
        channels.blockForces();
        append(first, TestBatches.batch(logs.clock.milliseconds(), "a"));
        append(second, TestBatches.batch(logs.clock.milliseconds(), "b"));
        CompletableFuture<Errors> firstDone = new CompletableFuture<>();
        CompletableFuture<Errors> secondDone = new CompletableFuture<>();

        first.whenDurable(1, firstDone::complete);
        second.whenDurable(1, secondDone::complete);

        await("both partitions are inside fsync at the same time", () -> channels.blockedForces.get() == 2);
        assertThat(firstDone).isNotDone();
        assertThat(secondDone).isNotDone();
        channels.releaseForces();
        assertThat(firstDone.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
        assertThat(secondDone.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
    }

    @Test
    void flushMakesEarlierAppendsDurableWhileAnotherAppendIsStuckInItsWrite() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.FLUSH_MS, "3600000"));
        append(log, TestBatches.batch(logs.clock.milliseconds(), "written"));
        channels.blockWrites();
        CompletableFuture<AppendResult> stuck = CompletableFuture.supplyAsync(
                () -> log.append(TestBatches.batch(logs.clock.milliseconds(), "stuck"), 7, AppendOrigin.CLIENT));
        await("the second append is inside its write", () -> channels.blockedWrites.get() == 1);
        CompletableFuture<Errors> done = new CompletableFuture<>();

        log.whenDurable(1, done::complete);

        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
        assertThat(log.durableOffset()).isEqualTo(1);
        assertThat(TestBatches.valuesOf(log.read(0, 1 << 20, true).records())).containsExactly("written");
        assertThat(stuck).isNotDone();
        channels.releaseWrites();
        assertThat(stuck.get(10, TimeUnit.SECONDS).error()).isEqualTo(Errors.NONE);
        awaitDurable(log);
        assertThat(TestBatches.valuesOf(log.read(0, 1 << 20, true).records())).containsExactly("written", "stuck");
    }

    @Test
    void everyWaiterIsAnsweredAndEveryAppendBecomesDurableWhileAppendsWaitsAndFlushesOverlap() throws Exception {
        List<PartitionLog> partitions = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            partitions.add(logs.create("orders", p, config()));
        }
        int threads = 6;
        int perThread = 300;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        PartitionLog log = partitions.get((id + i) % partitions.size());
                        AppendResult r = append(log, TestBatches.batch(logs.clock.milliseconds(), "v" + i));
                        if (i % 3 == 0) {
                            continue; // acks=1: nobody waits
                        }
                        CompletableFuture<Errors> durable = new CompletableFuture<>();
                        log.whenDurable(r.lastOffset() + 1, durable::complete);
                        assertThat(durable.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            producers.add(producer);
            producer.start();
        }
        for (Thread producer : producers) {
            producer.join(60_000);
        }

        assertThat(failures).isEmpty();
        for (PartitionLog log : partitions) {
            await("everything appended to " + log + " is durable", () -> log.durableOffset() == log.logEndOffset());
        }
        assertThat(partitions.stream().mapToLong(PartitionLog::logEndOffset).sum())
                .isEqualTo((long) threads * perThread);
    }

    @Test
    void aWaitingProducerStartsItsFlushWithoutTheSchedulingThread() throws Exception {
        GroupCommitter neverStarted = new GroupCommitter(logs.clock, 1);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        LogContext ctx = new LogContext(
                logs.clock,
                TestLogs.segmentChannels(),
                neverStarted,
                scheduler,
                new FileDeleter(scheduler),
                LogManagerConfig.DEFAULT_PREALLOCATE_BYTES,
                new DirtyPartitions());
        PartitionLog log = PartitionLog.create(
                "orders",
                0,
                logs.root.resolve("direct").resolve("orders-0"),
                config(LogConfig.FLUSH_MS, "3600000"),
                ctx);
        try {
            append(log, TestBatches.batch(logs.clock.milliseconds(), "a"));
            CompletableFuture<Errors> done = new CompletableFuture<>();

            log.whenDurable(1, done::complete);

            assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
            assertThat(log.durableOffset()).isEqualTo(1);
        } finally {
            log.closeForShutdown(neverStarted.listener());
            neverStarted.close();
            scheduler.shutdownNow();
        }
    }

    @Test
    void shouldNeverReadBeyondTheDurableOffset() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, TestBatches.batch(logs.clock.milliseconds(), "durable"));
        awaitDurable(log);
        channels.blockForces();

        append(log, TestBatches.batch(logs.clock.milliseconds(), "pending"));
        await("the second batch is being fsynced", () -> channels.blockedForces.get() == 1);

        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.durableOffset()).isEqualTo(1);
        LogReadResult read = log.read(0, 1 << 20, true);
        assertThat(TestBatches.valuesOf(read.records())).containsExactly("durable");
        assertThat(read.highWatermark()).isEqualTo(1);
        assertThat(log.read(1, 1 << 20, true).records().sizeInBytes()).isZero();

        channels.releaseForces();
        awaitDurable(log);
        assertThat(TestBatches.valuesOf(log.read(0, 1 << 20, true).records())).containsExactly("durable", "pending");
    }

    @Test
    void shouldShareOneFsyncAmongWaitersThatArrivedDuringThePreviousOne() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        channels.blockForces();
        append(log, TestBatches.batch(logs.clock.milliseconds(), "first"));
        CompletableFuture<Errors> first = new CompletableFuture<>();
        log.whenDurable(1, first::complete);
        await("first fsync in progress", () -> channels.blockedForces.get() == 1);
        int forcesBefore = channels.logForces.get();

        List<CompletableFuture<Errors>> waiters = new ArrayList<>();
        List<Thread> producers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CompletableFuture<Errors> w = new CompletableFuture<>();
            waiters.add(w);
            Thread t = new Thread(() -> {
                AppendResult r = append(log, TestBatches.batch(logs.clock.milliseconds(), "x"));
                log.whenDurable(r.lastOffset() + 1, w::complete);
            });
            producers.add(t);
            t.start();
        }
        for (Thread t : producers) {
            t.join(10_000);
        }
        assertThat(waiters).noneMatch(CompletableFuture::isDone);

        channels.releaseForces();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
        for (CompletableFuture<Errors> w : waiters) {
            assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
        }
        // the blocked fsync plus a single one covering all eight later appends
        assertThat(channels.logForces.get() - forcesBefore).isEqualTo(2);
        assertThat(log.durableOffset()).isEqualTo(9);
    }

    @Test
    void shouldTakeThePartitionOfflineAndFailWaitersWhenFsyncFails() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, TestBatches.batch(logs.clock.milliseconds(), "a"));
        awaitDurable(log);
        channels.failForce = true;

        append(log, TestBatches.batch(logs.clock.milliseconds(), "b"));
        CompletableFuture<Errors> done = new CompletableFuture<>();
        log.whenDurable(2, done::complete);

        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(log.isOffline()).isTrue();
        assertThat(log.durableOffset()).isEqualTo(1);
        assertThat(log.append(TestBatches.batch(logs.clock.milliseconds(), "c"), 0, AppendOrigin.CLIENT)
                        .error())
                .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(log.read(0, 100, true).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        CompletableFuture<Errors> late = new CompletableFuture<>();
        log.whenDurable(2, late::complete);
        assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThatThrownBy(() -> log.offsetForTimestamp(0)).isInstanceOf(KafkaStorageException.class);
    }

    @Test
    void shouldTakeThePartitionOfflineWhenAWriteFails() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        channels.failWrite = true;

        AppendResult r = log.append(TestBatches.batch(logs.clock.milliseconds(), "a"), 0, AppendOrigin.CLIENT);

        assertThat(r.error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(log.isOffline()).isTrue();
        PartitionLog other = logs.create("orders", 1, config());
        channels.failWrite = false;
        append(other, TestBatches.batch(logs.clock.milliseconds(), "unaffected"));
    }

    @Test
    void shouldTellTheListenerAfterEveryDurableAdvance() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        logs.manager.setDurableListener((log, offset) -> seen.add(offset));
        PartitionLog log = logs.create("orders", 0, config());

        append(log, TestBatches.batch(logs.clock.milliseconds(), "a", "b"));
        awaitDurable(log);
        append(log, TestBatches.batch(logs.clock.milliseconds(), "c"));
        awaitDurable(log);

        await("listener saw offset 3", () -> seen.contains(3L));
        assertThat(seen).isSorted().contains(2L, 3L);
    }

    @Test
    void shouldFlushOnlyAfterFlushMsWhenNobodyWaits() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.FLUSH_MS, "60000"));
        append(log, TestBatches.batch(logs.clock.milliseconds(), "a"));
        int forces = channels.logForces.get();

        logs.clock.advanceMs(59_000);
        // give the commit thread several chances to (wrongly) flush before the deadline
        for (int i = 0; i < 5 && log.durableOffset() == 0; i++) {
            Thread.sleep(30);
        }
        assertThat(log.durableOffset()).isZero();
        assertThat(channels.logForces.get()).isEqualTo(forces);

        logs.clock.advanceMs(1_000);
        await("flush.ms elapsed and the log was flushed", () -> log.durableOffset() == 1);
    }
}
