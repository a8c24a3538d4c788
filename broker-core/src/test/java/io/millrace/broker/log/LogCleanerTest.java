package io.millrace.broker.log;

import static io.millrace.broker.log.CompactionFixture.DELETE_RETENTION_MS;
import static io.millrace.broker.log.CompactionFixture.compacted;
import static io.millrace.broker.log.CompactionFixture.latest;
import static io.millrace.broker.log.CompactionFixture.withoutCodec;
import static io.millrace.broker.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.millrace.broker.log.TestBatches.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cleaning passes run by the test on a manual clock: what compaction keeps and removes, and when. */
class LogCleanerTest {

    @RegisterExtension
    final CompactionFixture f = new CompactionFixture();

    @Test
    void keepsOnlyTheLatestValueOfEveryKeyAtItsOriginalOffset() throws Exception {
        PartitionLog log = f.create("state", compacted());
        f.put(log, "k0", "a0", "k1", "a1", "k2", "a2");
        f.roll();
        f.put(log, "k0", "b0", "k1", "b1");
        f.put(log, "k0", "c0");
        f.roll();
        f.put(log, "other", "x");
        long end = log.logEndOffset();

        assertThat(f.clean()).isTrue();

        assertThat(withoutCodec(readAll(log))).containsExactlyElementsOf(f.newestPerKey());
        assertThat(latest(readAll(log)))
                .containsExactly(
                        Map.entry("k2", "a2"), Map.entry("k1", "b1"), Map.entry("k0", "c0"), Map.entry("other", "x"));
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.logEndOffset()).isEqualTo(end);
    }

    @Test
    void aFetchIntoAGapLeftByCompactionReturnsTheNextBatch() throws Exception {
        PartitionLog log = f.create("state", compacted());
        f.put(log, "k0", "old");
        f.put(log, "k1", "v1");
        f.put(log, "k0", "new");
        f.roll();
        f.put(log, "other", "x");
        f.clean();

        LogReadResult read = log.read(0, 1 << 20, true);

        assertThat(read.error()).isEqualTo(Errors.NONE);
        assertThat(TestBatches.entriesOf(read.records()).get(0)).isEqualTo(new Entry(1, "k1", "v1", "none"));
    }

    @Test
    void keepsATombstoneForDeleteRetentionMsThenRemovesIt() throws Exception {
        PartitionLog log = f.create("state", compacted());
        f.put(log, "gone", "v", "kept", "v");
        f.put(log, "gone", null);
        f.roll();
        f.put(log, "other", "x");

        assertThat(f.clean()).isTrue();
        assertThat(latest(readAll(log))).containsEntry("gone", null).containsEntry("kept", "v");
        assertThat(readAll(log)).extracting(Entry::key).containsOnlyOnce("gone");

        // A later pass just before the horizon (triggered by new dirty data) still keeps it.
        f.logs.clock.advanceMs(DELETE_RETENTION_MS - CompactionFixture.SEGMENT_MS - 2);
        f.roll();
        f.put(log, "more", "y");
        assertThat(f.clean()).isTrue();
        assertThat(latest(readAll(log))).containsEntry("gone", null);
        assertThat(f.clean()).as("nothing left to clean").isFalse();

        // Once the horizon passes, a pass runs without new data and removes the tombstone.
        f.logs.clock.advanceMs(1);
        assertThat(f.clean()).isTrue();

        assertThat(readAll(log)).extracting(Entry::key).doesNotContain("gone").contains("kept", "other", "more");
        assertThat(f.clean()).as("no tombstone left to expire").isFalse();
    }

    @Test
    void neverRemovesTheNewestRecordOfAKeyAcrossManyPasses() throws Exception {
        PartitionLog log = f.create("state", compacted(LogConfig.DELETE_RETENTION_MS, "86400000"));
        Random random = new Random(20240611L);
        for (int step = 0; step < 400; step++) {
            String key = "k" + random.nextInt(25);
            f.put(log, key, random.nextInt(6) == 0 ? null : "v" + step);
            if (random.nextInt(15) == 0) {
                f.roll();
            }
            if (random.nextInt(40) == 0) {
                f.clean();
                assertNewestPerKeyPresentAndNothingInvented(log);
            }
        }
        f.roll();
        f.put(log, "last", "x");
        f.clean();

        List<Entry> after = withoutCodec(readAll(log));
        assertThat(after)
                .as("exactly the newest record of each key, tombstones within their horizon included")
                .containsExactlyElementsOf(f.newestPerKey());
    }

    private void assertNewestPerKeyPresentAndNothingInvented(PartitionLog log) throws Exception {
        List<Entry> read = withoutCodec(readAll(log));
        assertThat(read).containsAll(f.newestPerKey());
        assertThat(f.written).containsAll(read);
        assertThat(read).extracting(Entry::offset).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void neverCleansTheActiveSegment() throws Exception {
        PartitionLog log = f.create("state", compacted());
        for (int i = 0; i < 5; i++) {
            f.put(log, "k", "v" + i);
        }

        assertThat(f.clean()).isFalse();
        assertThat(readAll(log)).hasSize(5);

        f.roll();
        f.put(log, "k", "v5");
        assertThat(f.clean()).isTrue();
        assertThat(readAll(log)).extracting(Entry::value).containsExactly("v4", "v5");
    }

    @Test
    void neverCompactsRecordsThatAreNotYetDurable() throws Exception {
        PartitionLog log = f.create("state", compacted(LogConfig.FLUSH_MS, "3600000"));
        appendWithoutWaiting(log, "v0");
        appendWithoutWaiting(log, "v1");
        rollWithoutWaiting(log);
        assertThat(log.durableOffset()).isZero();

        assertThat(f.clean()).as("nothing is below the high watermark").isFalse();

        assertCompactedOnceDurable(log);
    }

    private void appendWithoutWaiting(PartitionLog log, String value) {
        log.append(TestBatches.keyed(f.logs.clock.milliseconds(), "k", value), 0, AppendOrigin.CLIENT);
    }

    /** Appends k=v2 in a new segment, not waiting until it is durable (flush.ms is long). */
    private void rollWithoutWaiting(PartitionLog log) {
        f.logs.clock.advanceMs(CompactionFixture.SEGMENT_MS + 1);
        appendWithoutWaiting(log, "v2");
        assertThat(log.numberOfSegments()).isEqualTo(2);
    }

    private void assertCompactedOnceDurable(PartitionLog log) throws Exception {
        TestLogs.awaitDurable(log);
        assertThat(f.clean()).isTrue();
        assertThat(readAll(log)).extracting(Entry::value).containsExactly("v1", "v2");
    }

    @Test
    void leavesTheSegmentHoldingTheDurablePointAloneUntilTheNextFlush() throws Exception {
        PartitionLog log = f.create("state", compacted(LogConfig.FLUSH_MS, "3600000"));
        f.put(log, "k", "v0");
        f.put(log, "k", "v1");
        rollWithoutWaiting(log);
        assertThat(log.durableOffset())
                .as("everything of the first segment is durable")
                .isEqualTo(2);

        assertThat(f.clean())
                .as("readers still bound that segment by a byte position")
                .isFalse();
        assertThat(readAll(log)).extracting(Entry::value).containsExactly("v0", "v1");

        assertCompactedOnceDurable(log);
    }

    @Test
    void respectsMinCompactionLag() throws Exception {
        PartitionLog log = f.create("state", compacted(LogConfig.MIN_COMPACTION_LAG_MS, "600000"));
        f.putOverwrittenKey(log);

        assertThat(f.clean()).as("records younger than min.compaction.lag.ms").isFalse();
        assertThat(readAll(log)).hasSize(3);

        f.logs.clock.advanceMs(600_000);
        assertThat(f.clean()).isTrue();
        assertThat(readAll(log)).extracting(Entry::value).containsExactly("v1", "x");
    }

    @Test
    void waitsForMinCleanableDirtyRatioUnlessMaxCompactionLagPassed() throws Exception {
        PartitionLog log = f.create("state", compacted());
        f.putOverwrittenKey(log);
        assertThat(f.clean()).isTrue();
        log.updateConfig(
                compacted(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "0.99", LogConfig.MAX_COMPACTION_LAG_MS, "600000"));
        f.put(log, "k", "v2");
        f.roll();
        f.put(log, "y", "y");

        assertThat(f.clean()).as("dirty ratio below 0.99").isFalse();

        f.logs.clock.advanceMs(600_001);
        assertThat(f.clean())
                .as("dirty records older than max.compaction.lag.ms")
                .isTrue();
        assertThat(readAll(log)).extracting(Entry::value).containsExactly("x", "v2", "y");
    }

    @Test
    void compactDeleteAlsoAppliesTimeRetentionWhileCompactOnlyDoesNot() throws Exception {
        PartitionLog both = f.create(
                "both", compacted(LogConfig.CLEANUP_POLICY, "compact,delete", LogConfig.RETENTION_MS, "60000"));
        PartitionLog compactOnly = f.create("compact-only", compacted(LogConfig.RETENTION_MS, "60000"));
        for (PartitionLog log : List.of(both, compactOnly)) {
            f.put(log, "k", "v0");
            f.put(log, "k", "v1");
            f.roll();
            f.put(log, "j", "w");
        }
        assertThat(f.clean()).isTrue();
        assertThat(f.clean()).isTrue();
        assertThat(readAll(both)).extracting(Entry::value).containsExactly("v1", "w");

        f.logs.clock.advanceMs(120_000);
        for (PartitionLog log : List.of(both, compactOnly)) {
            f.roll();
            f.put(log, "new", "n");
        }

        assertThat(both.applyRetention()).isPositive();
        assertThat(compactOnly.applyRetention()).isZero();
        assertThat(readAll(both)).extracting(Entry::value).containsExactly("n");
        assertThat(readAll(compactOnly)).extracting(Entry::value).containsExactly("v1", "w", "n");
    }

    @Test
    void anOverflowingOffsetMapStillMakesProgressPassByPass() throws Exception {
        // Room for 10 keys per pass, 40 distinct keys written twice.
        f.cleaner = new Cleaner(
                9,
                new CleanerConfig(false, 1, 14 * OffsetMap.BYTES_PER_SLOT, 8192, 1),
                TestLogs.segmentChannels(),
                f.logs.clock,
                () -> false);
        assertThat(f.cleaner.offsetMap().maxKeys()).isEqualTo(10);
        PartitionLog log = f.create("state", compacted());
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 40; k++) {
                f.put(log, "k" + k, "v" + round);
            }
            f.roll();
        }
        f.put(log, "last", "x");
        LogCleaner manager = f.logs.manager.cleaner();

        assertThat(f.clean()).isTrue();
        long firstEnd = manager.firstDirtyOffset(log);
        assertThat(firstEnd).as("the first pass stops where the map filled up").isBetween(1L, 79L);
        int passes = 1;
        while (f.clean()) {
            passes++;
            assertThat(passes).as("passes needed").isLessThan(20);
        }

        assertThat(passes).isGreaterThan(1);
        assertThat(manager.firstDirtyOffset(log)).isEqualTo(80);
        assertThat(withoutCodec(readAll(log))).containsExactlyElementsOf(f.newestPerKey());
    }

    @Test
    void cleanedBatchesKeepTheirCompressionCodec() throws Exception {
        PartitionLog log = f.create("state", compacted());
        Map<String, Compression> codecs = new HashMap<>();
        codecs.put("lz4", Compression.lz4().build());
        codecs.put("zstd", Compression.zstd().build());
        codecs.put("gzip", Compression.gzip().build());
        long now = f.logs.clock.milliseconds();
        for (Map.Entry<String, Compression> c : codecs.entrySet()) {
            String k = c.getKey();
            String[] kv = {k + "-a", "1", k + "-b", "1", k + "-a", "2"};
            f.put(log, TestBatches.keyed(c.getValue(), -1L, (short) -1, -1, now, kv), kv);
        }
        f.roll();
        f.put(log, "other", "x");

        assertThat(f.clean()).isTrue();

        List<Entry> read = readAll(log);
        for (String codec : codecs.keySet()) {
            assertThat(read)
                    .filteredOn(e -> e.key().startsWith(codec + "-"))
                    .extracting(Entry::key, Entry::value, Entry::codec)
                    .containsExactly(tuple(codec + "-b", "1", codec), tuple(codec + "-a", "2", codec));
        }
    }

    @Test
    void keepsTheLastBatchOfEachProducerAsAnEmptyBatch() throws Exception {
        PartitionLog log = f.create("state", compacted());
        long now = f.logs.clock.milliseconds();
        String[] first = {"k0", "a"};
        String[] second = {"k1", "b", "k2", "c"};
        f.put(log, TestBatches.keyed(Compression.NONE, 42L, (short) 0, 0, now, first), first);
        AppendResult last = f.put(log, TestBatches.keyed(Compression.NONE, 42L, (short) 0, 1, now, second), second);
        f.put(log, "k0", "z", "k1", "z", "k2", "z");
        f.roll();
        f.put(log, "other", "x");

        assertThat(f.clean()).isTrue();

        List<MutableRecordBatch> batches = new ArrayList<>();
        long next = 0;
        while (next < log.durableOffset()) {
            List<MutableRecordBatch> read =
                    TestBatches.batchesOf(log.read(next, 1 << 20, true).records());
            batches.addAll(read);
            next = read.get(read.size() - 1).nextOffset();
        }
        assertThat(batches)
                .filteredOn(b -> b.producerId() == 42L)
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.countOrNull()).isZero();
                    assertThat(b.baseOffset()).isEqualTo(last.baseOffset());
                    assertThat(b.lastOffset()).isEqualTo(last.lastOffset());
                    assertThat(b.baseSequence()).isEqualTo(1);
                    assertThat(b.lastSequence()).isEqualTo(2);
                });
    }

    @Test
    void restartResumesFromTheCleanerCheckpoint() throws Exception {
        PartitionLog log = f.create("state", compacted());
        f.putOverwrittenKey(log);
        assertThat(f.clean()).isTrue();
        long firstDirty = f.logs.manager.cleaner().firstDirtyOffset(log);
        assertThat(firstDirty).isEqualTo(2);

        f.logs.restart();
        f.cleaner = f.logs.manager.cleaner().newCleaner(0);
        PartitionLog reopened = f.logs.log("state", 0);

        assertThat(Files.readString(f.logs.dirs.get(0).resolve(Checkpoints.CLEANER_OFFSET_FILE)))
                .contains("state-0 2");
        assertThat(f.logs.manager.cleaner().firstDirtyOffset(reopened)).isEqualTo(firstDirty);
        assertThat(f.clean()).as("nothing dirty since the checkpoint").isFalse();
        assertThat(readAll(reopened)).extracting(Entry::value).containsExactly("v1", "x");
    }

    @Test
    void producerStateSurvivesCleaningAndARestartWithoutSnapshots() throws Exception {
        PartitionLog log = f.create("state", compacted());
        long now = f.logs.clock.milliseconds();
        String[] first = {"k0", "a"};
        String[] second = {"k1", "b"};
        f.put(log, TestBatches.keyed(Compression.NONE, 42L, (short) 0, 0, now, first), first);
        AppendResult last = f.put(log, TestBatches.keyed(Compression.NONE, 42L, (short) 0, 1, now, second), second);
        f.put(log, "k0", "z", "k1", "z");
        f.roll();
        f.put(log, "other", "x");
        assertThat(f.clean()).isTrue();
        assertThat(readAll(log)).extracting(Entry::value).doesNotContain("a", "b");

        TestLogs crashed = f.logs.crashCopy();
        Path dir = crashed.dirs.get(0).resolve("state-0");
        for (Path snapshot : TestLogs.files(dir, ProducerStateSnapshot.SUFFIX)) {
            Files.delete(snapshot);
        }
        crashed.start();
        PartitionLog recovered = crashed.log("state", 0);

        AppendResult retry = recovered.append(
                TestBatches.keyed(Compression.NONE, 42L, (short) 0, 1, now, second), 0, AppendOrigin.CLIENT);
        assertThat(retry.error()).isEqualTo(Errors.NONE);
        assertThat(retry.duplicate())
                .as("the retried batch is recognised from the log")
                .isTrue();
        assertThat(retry.baseOffset()).isEqualTo(last.baseOffset());
        AppendResult gap = recovered.append(
                TestBatches.keyed(Compression.NONE, 42L, (short) 0, 5, now, "k", "g"), 0, AppendOrigin.CLIENT);
        assertThat(gap.error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        AppendResult next = recovered.append(
                TestBatches.keyed(Compression.NONE, 42L, (short) 0, 2, now, "k", "n"), 0, AppendOrigin.CLIENT);
        assertThat(next.error()).isEqualTo(Errors.NONE);
        assertThat(next.duplicate()).isFalse();
    }

    @Test
    void aPassIsAbandonedWhenRetentionRemovesASegmentMeanwhile() throws Exception {
        PartitionLog log = f.create(
                "state", compacted(LogConfig.CLEANUP_POLICY, "compact,delete", LogConfig.RETENTION_MS, "60000"));
        f.putOverwrittenKey(log);
        f.cleaner.setSwapObserver(step -> {
            if (step == SwapObserver.Step.CLEANED_WRITTEN) {
                // The first segment (written at t0) expires, the active one (t0 + segment.ms) not yet.
                f.logs.clock.advanceMs(55_000);
                assertThat(log.applyRetention()).isEqualTo(1);
            }
        });

        assertThat(f.clean()).isFalse();

        assertThat(TestLogs.files(log.dir(), LogSegment.CLEANED_SUFFIX)).isEmpty();
        assertThat(TestLogs.files(log.dir(), LogSegment.SWAP_SUFFIX)).isEmpty();
        assertThat(readAll(log)).extracting(Entry::value).containsExactly("x");
        assertThat(f.logs.manager.cleaner().firstDirtyOffset(log))
                .as("checkpoint not advanced")
                .isNull();
    }

    @Test
    void cleanerSettlesAfterRemovingATombstoneThatSharedItsBatchWithLiveRecords() throws Exception {
        PartitionLog log = f.create("state", CompactionFixture.compacted());
        // One batch: live values and a tombstone, as a client batching several sends writes them.
        f.put(log, "a", "1", "b", "2", "gone", null);
        f.roll();
        f.put(log, "c", "3");
        assertThat(f.clean())
                .as("the first pass marks the tombstone's batch with a delete horizon")
                .isTrue();
        f.logs.clock.advanceMs(CompactionFixture.DELETE_RETENTION_MS + 1);
        assertThat(f.clean())
                .as("the pass that removes the tombstone once its horizon passed")
                .isTrue();
        assertThat(latest(readAll(log))).doesNotContainKey("gone");

        f.logs.clock.advanceMs(CompactionFixture.DELETE_RETENTION_MS + 1);

        assertThat(f.clean()).as("a pass with nothing left to remove").isFalse();
    }

    @Test
    void noPassWhenTheLogStartsInsideTheActiveSegment() throws Exception {
        PartitionLog log = f.create("trimmed", compacted(LogConfig.CLEANUP_POLICY, "compact,delete"));
        f.put(log, "a", "1");
        f.roll();
        f.put(log, "b", "2", "c", "3", "d", "4");
        log.deleteRecordsBefore(log.logEndOffset() - 1); // DeleteRecords into the active segment

        assertThat(f.clean())
                .as("nothing below the active segment is left to clean")
                .isFalse();
        assertThat(f.clean()).isFalse();
    }

    @Test
    void noPassWhenTheLogStartsInsideASegmentStillWithinMinCompactionLag() throws Exception {
        PartitionLog log = f.create(
                "lagging",
                compacted(LogConfig.CLEANUP_POLICY, "compact,delete", LogConfig.MIN_COMPACTION_LAG_MS, "600000"));
        f.put(log, "a", "1", "b", "2", "c", "3");
        f.roll();
        f.put(log, "d", "4");
        log.deleteRecordsBefore(1);

        assertThat(f.clean())
                .as("the segment holding the log start is younger than min.compaction.lag.ms")
                .isFalse();

        f.logs.clock.advanceMs(600_001);
        assertThat(f.clean()).as("once the lag has passed").isTrue();
        assertThat(f.clean()).as("and then it is clean").isFalse();
    }
}
