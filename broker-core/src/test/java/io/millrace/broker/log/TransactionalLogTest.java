package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.log.TestBatches.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Transactions in one partition's log: open transactions, markers, the last stable offset and the aborted index. */
class TransactionalLogTest {

    private static final long A = 100L;
    private static final long B = 200L;
    private static final short EPOCH = 0;
    private static final int COORDINATOR_EPOCH = 0;

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    private long now() {
        return logs.clock.milliseconds();
    }

    /** A verified transactional write of {@code values}, as the produce path does it. */
    private AppendResult txnWrite(PartitionLog log, long producerId, short epoch, int seq, String... values) {
        VerificationGuard guard = log.startTxnVerification(producerId);
        AppendResult r = log.append(
                TestBatches.transactional(producerId, epoch, seq, now(), values), 0, AppendOrigin.CLIENT, guard);
        assertThat(r.error()).as(r.errorMessage()).isEqualTo(Errors.NONE);
        return r;
    }

    private AppendResult marker(PartitionLog log, long producerId, short epoch, boolean commit) {
        return log.append(
                TestBatches.marker(producerId, epoch, COORDINATOR_EPOCH, commit, now()), 0, AppendOrigin.COORDINATOR);
    }

    @Test
    void readCommittedStopsAtTheFirstOffsetOfAnOpenTransaction() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        TestLogs.append(log, TestBatches.batch(now(), "plain0", "plain1"));
        AppendResult open = txnWrite(log, A, EPOCH, 0, "t0", "t1");
        TestLogs.append(log, TestBatches.batch(now(), "after"));
        awaitDurable(log);

        assertThat(log.lastStableOffset()).isEqualTo(open.baseOffset()).isEqualTo(2);
        assertThat(TestBatches.valuesOf(log.read(0, 1 << 20, true, true).records()))
                .containsExactly("plain0", "plain1");
        assertThat(TestBatches.valuesOf(log.read(0, 1 << 20, true, false).records()))
                .containsExactly("plain0", "plain1", "t0", "t1", "after");
        assertThat(log.read(2, 1 << 20, true, true).records().sizeInBytes()).isZero();
        assertThat(log.read(0, 1 << 20, true, true).lastStableOffset()).isEqualTo(2);
    }

    @Test
    void aCommitMarkerMakesTheTransactionVisibleOnceDurable() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        txnWrite(log, A, EPOCH, 0, "t0", "t1");
        AppendResult commit = marker(log, A, EPOCH, true);
        assertThat(commit.error()).isEqualTo(Errors.NONE);
        awaitDurable(log);

        assertThat(log.lastStableOffset()).isEqualTo(log.durableOffset()).isEqualTo(3);
        LogReadResult read = log.read(0, 1 << 20, true, true);
        assertThat(committedView(read)).extracting(Entry::value).containsExactly("t0", "t1");
        assertThat(read.abortedTransactions()).isEmpty();
        assertThat(TestBatches.batchesOf(read.records()))
                .extracting(MutableRecordBatch::isControlBatch)
                .containsExactly(false, true);
    }

    @Test
    void anAbortedTransactionIsListedForReadCommittedAndItsRecordsDropped() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        AppendResult aborted = txnWrite(log, A, EPOCH, 0, "a0", "a1");
        AppendResult kept = txnWrite(log, B, EPOCH, 0, "b0");
        marker(log, A, EPOCH, false);
        marker(log, B, EPOCH, true);
        awaitDurable(log);

        LogReadResult read = log.read(0, 1 << 20, true, true);
        assertThat(read.abortedTransactions()).containsExactly(new AbortedTxn(A, aborted.baseOffset(), 3, 2));
        assertThat(committedView(read)).extracting(Entry::value).containsExactly("b0");
        assertThat(TestBatches.valuesOf(log.read(0, 1 << 20, true, false).records()))
                .contains("a0", "a1", "b0");
        assertThat(log.read(0, 1 << 20, true, false).abortedTransactions()).isNull();
        assertThat(kept.baseOffset()).isEqualTo(2);
        assertThat(TestLogs.files(log.dir(), LogSegment.TXN_INDEX_SUFFIX)).hasSize(1);
    }

    @Test
    void theAbortedListCoversTransactionsWhoseMarkerLiesInALaterSegment() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        AppendResult first = txnWrite(log, A, EPOCH, 0, "a0");
        int seq = 1;
        while (log.numberOfSegments() < 3) {
            txnWrite(log, A, EPOCH, seq++, "a" + seq);
        }
        marker(log, A, EPOCH, false);
        TestLogs.append(log, TestBatches.batch(now(), "plain"));
        awaitDurable(log);

        LogReadResult read = log.read(first.baseOffset(), 200, true, true);
        assertThat(read.abortedTransactions())
                .extracting(AbortedTxn::producerId, AbortedTxn::firstOffset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(A, first.baseOffset()));
        assertThat(readAllCommitted(log)).extracting(Entry::value).containsExactly("plain");
    }

    @Test
    void aTransactionalBatchNeedsTheCoordinatorsConfirmationToStartATransaction() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        ByteBuffer unverified = TestBatches.transactional(A, EPOCH, 0, now(), "x");
        assertThat(log.append(unverified, 0, AppendOrigin.CLIENT).error()).isEqualTo(Errors.INVALID_TXN_STATE);

        VerificationGuard stale = log.startTxnVerification(A);
        txnWrite(log, B, EPOCH, 0, "other");
        marker(log, A, (short) 1, false); // the coordinator aborted A's transaction meanwhile (bumped epoch)
        AppendResult late =
                log.append(TestBatches.transactional(A, (short) 1, 0, now(), "late"), 0, AppendOrigin.CLIENT, stale);
        assertThat(late.error()).as("a guard from before the marker").isEqualTo(Errors.INVALID_TXN_STATE);

        AppendResult verified = txnWrite(log, A, (short) 1, 0, "y");
        assertThat(log.startTxnVerification(A))
                .as("open transaction: no verification")
                .isSameAs(VerificationGuard.DISABLED);
        AppendResult next = log.append(
                TestBatches.transactional(A, (short) 1, 1, now(), "z"),
                0,
                AppendOrigin.CLIENT,
                VerificationGuard.DISABLED);
        assertThat(next.error()).isEqualTo(Errors.NONE);
        assertThat(verified.error()).isEqualTo(Errors.NONE);
    }

    @Test
    void produceRequestsVerifiedConcurrentlyBeforeTheTransactionOpensAreAllAccepted() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        // Two Produce requests of one transaction in flight: both start verification before either appends.
        VerificationGuard first = log.startTxnVerification(A);
        VerificationGuard second = log.startTxnVerification(A);

        AppendResult opens =
                log.append(TestBatches.transactional(A, EPOCH, 0, now(), "t0"), 0, AppendOrigin.CLIENT, first);
        AppendResult follows =
                log.append(TestBatches.transactional(A, EPOCH, 1, now(), "t1"), 0, AppendOrigin.CLIENT, second);

        assertThat(opens.error()).as(opens.errorMessage()).isEqualTo(Errors.NONE);
        assertThat(follows.error()).as(follows.errorMessage()).isEqualTo(Errors.NONE);
        assertThat(log.startTxnVerification(A)).isSameAs(VerificationGuard.DISABLED);
    }

    @Test
    void aNonTransactionalWriteDuringAnOpenTransactionIsRefused() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        txnWrite(log, A, EPOCH, 0, "t");
        AppendResult plain = log.append(TestBatches.idempotent(A, EPOCH, 1, now(), "p"), 0, AppendOrigin.CLIENT);
        assertThat(plain.error()).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(plain.errorMessage()).contains("orders-0").contains("open");
    }

    @Test
    void aMarkerWithANewerEpochFencesTheOldProducerAndStaleMarkersAreRefused() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        txnWrite(log, A, EPOCH, 0, "t");
        assertThat(marker(log, A, (short) 1, false).error()).isEqualTo(Errors.NONE);

        AppendResult zombie = log.append(
                TestBatches.transactional(A, EPOCH, 1, now(), "zombie"),
                0,
                AppendOrigin.CLIENT,
                VerificationGuard.DISABLED);
        assertThat(zombie.error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(marker(log, A, EPOCH, true).error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        AppendResult fencedCoordinator =
                log.append(TestBatches.marker(A, (short) 1, -5, true, now()), 0, AppendOrigin.COORDINATOR);
        assertThat(fencedCoordinator.error()).isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
        assertThat(log.activeProducers())
                .singleElement()
                .satisfies(p -> assertThat(p.epoch()).isEqualTo((short) 1))
                .satisfies(p -> assertThat(p.currentTxnStartOffset()).isEqualTo(-1));
    }

    @Test
    void describeProducersShowsTheOpenTransactionsStartOffset() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        TestLogs.append(log, TestBatches.batch(now(), "x"));
        txnWrite(log, A, (short) 3, 0, "t0", "t1");
        awaitDurable(log);

        assertThat(log.activeProducers()).containsExactly(new ProducerView(A, (short) 3, 1, now(), -1, 1));
    }

    @Test
    void transactionStateAndTheAbortedIndexSurviveACrash() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "2048"));
        AppendResult aborted = txnWrite(log, A, EPOCH, 0, "a0");
        marker(log, A, EPOCH, false);
        int seq = 0;
        while (log.numberOfSegments() < 3) {
            TestLogs.append(log, TestBatches.batch(now(), "filler" + seq++));
        }
        AppendResult open = txnWrite(log, B, EPOCH, 0, "open");
        awaitDurable(log);
        List<AbortedTxn> before = log.read(0, 1 << 20, true, true).abortedTransactions();
        TestLogs crashed = logs.crashCopy();
        // The crash image lost every aborted-transaction index: recovery must rebuild them from the log.
        for (Path f : TestLogs.files(crashed.dirs.get(0).resolve("orders-0"), LogSegment.TXN_INDEX_SUFFIX)) {
            Files.delete(f);
        }
        Path checkpoint = crashed.dirs.get(0).resolve(Checkpoints.RECOVERY_POINT_FILE);
        Files.deleteIfExists(checkpoint);

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        assertThat(recovered.lastStableOffset()).isEqualTo(open.baseOffset());
        assertThat(recovered.read(0, 1 << 20, true, true).abortedTransactions())
                .isEqualTo(before)
                .extracting(AbortedTxn::firstOffset)
                .containsExactly(aborted.baseOffset());
        assertThat(recovered.activeProducers())
                .filteredOn(p -> p.producerId() == B)
                .extracting(ProducerView::currentTxnStartOffset)
                .containsExactly(open.baseOffset());
        assertThat(recovered
                        .append(
                                TestBatches.marker(B, EPOCH, COORDINATOR_EPOCH, true, now()),
                                0,
                                AppendOrigin.COORDINATOR)
                        .error())
                .isEqualTo(Errors.NONE);
        awaitDurable(recovered);
        assertThat(recovered.lastStableOffset()).isEqualTo(recovered.logEndOffset());
    }

    @Test
    void aDamagedAbortedIndexIsRebuiltAfterACleanRestart() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        txnWrite(log, A, EPOCH, 0, "a0");
        marker(log, A, EPOCH, false);
        while (log.numberOfSegments() < 3) {
            TestLogs.append(log, TestBatches.batch(now(), "filler"));
        }
        awaitDurable(log);
        List<AbortedTxn> before = log.read(0, 1 << 20, true, true).abortedTransactions();
        Path index = TestLogs.files(log.dir(), LogSegment.TXN_INDEX_SUFFIX).get(0);
        logs.manager.close();
        Files.write(index, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        logs.start();
        PartitionLog reopened = logs.log("orders", 0);

        assertThat(before).hasSize(1);
        assertThat(reopened.read(0, 1 << 20, true, true).abortedTransactions()).isEqualTo(before);
        assertThat(Files.size(index)).isEqualTo(TxnIndex.ENTRY_SIZE);
    }

    @Test
    void openTransactionsSurviveACleanRestartThroughTheSnapshot() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        AppendResult open = txnWrite(log, A, (short) 2, 0, "t");
        awaitDurable(log);

        logs.restart();
        PartitionLog reopened = logs.log("orders", 0);

        assertThat(reopened.lastStableOffset()).isEqualTo(open.baseOffset());
        AppendResult more = reopened.append(
                TestBatches.transactional(A, (short) 2, 1, now(), "t2"),
                0,
                AppendOrigin.CLIENT,
                VerificationGuard.NONE);
        assertThat(more.error())
                .as("the open transaction continues without a new verification")
                .isEqualTo(Errors.NONE);
    }

    @Test
    void theSnapshotRoundTripsTransactionStateAndReadsVersionOne() {
        ProducerStateTable table = new ProducerStateTable();
        table.update(9L, (short) 3, 0, 1, 10L, 11L, 1000L, 55L, true);
        table.completeTxn(10L, (short) 1, 4, false, 12L, 2000L, 56L);
        byte[] bytes = ProducerStateSnapshot.serialize(table, 20L);

        ProducerStateTable loaded = new ProducerStateTable();
        ProducerStateSnapshot.read(bytes, 20L, loaded);

        assertThat(loaded.get(9L).currentTxnFirstOffset).isEqualTo(10L);
        assertThat(loaded.get(9L).lastTimestamp).isEqualTo(1000L);
        assertThat(loaded.get(10L).coordinatorEpoch).isEqualTo(4);
        assertThat(loaded.get(10L).lastTimestamp).isEqualTo(2000L);
        assertThat(loaded.firstUnstableOffset()).isEqualTo(10L);
    }

    @Test
    void aFinishedTransactionStaysUnstableUntilItsMarkerIsDurable() {
        ProducerStateTable table = new ProducerStateTable();
        table.update(A, EPOCH, 0, 0, 5L, 5L, 1L, 1L, true);
        table.update(B, EPOCH, 0, 0, 6L, 6L, 1L, 1L, true);
        AbortedTxn aborted = table.completeTxn(A, EPOCH, 0, false, 7L, 1L, 1L);

        assertThat(aborted).isEqualTo(new AbortedTxn(A, 5L, 7L, 6L));
        assertThat(table.firstUnstableOffset()).isEqualTo(5L);
        table.onDurable(7L);
        assertThat(table.firstUnstableOffset())
                .as("marker at 7 not durable below 7")
                .isEqualTo(5L);
        table.onDurable(8L);
        assertThat(table.firstUnstableOffset()).isEqualTo(6L);
        table.completeTxn(B, EPOCH, 0, true, 8L, 1L, 1L);
        table.onDurable(9L);
        assertThat(table.firstUnstableOffset()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void producersWithAnOpenTransactionAreNotExpired() {
        ProducerStateTable table = new ProducerStateTable();
        table.update(A, EPOCH, 0, 0, 5L, 5L, 1L, 0L, true);
        table.update(B, EPOCH, 0, 0, 6L, 6L, 1L, 0L, false);

        assertThat(table.expire(TestLogs.HOUR, 1000)).isEqualTo(1);
        assertThat(table.get(A)).isNotNull();
        assertThat(table.get(B)).isNull();
    }

    // ---- a read_committed consumer's view ----

    /** What a read_committed consumer keeps of a read: KafkaConsumer's rules for aborted transactions. */
    static List<Entry> committedView(LogReadResult read) throws IOException {
        PriorityQueue<AbortedTxn> upcoming = new PriorityQueue<>(Comparator.comparingLong(AbortedTxn::firstOffset));
        upcoming.addAll(read.abortedTransactions());
        Set<Long> abortedProducers = new HashSet<>();
        List<Entry> out = new ArrayList<>();
        for (MutableRecordBatch batch : TestBatches.batchesOf(read.records())) {
            while (!upcoming.isEmpty() && upcoming.peek().firstOffset() <= batch.lastOffset()) {
                abortedProducers.add(upcoming.poll().producerId());
            }
            if (batch.isControlBatch()) {
                Record r = batch.iterator().next();
                if (ControlRecordType.parse(r.key()) == ControlRecordType.ABORT) {
                    abortedProducers.remove(batch.producerId());
                }
                continue;
            }
            if (batch.isTransactional() && abortedProducers.contains(batch.producerId())) {
                continue;
            }
            for (Record r : batch) {
                out.add(new Entry(
                        r.offset(),
                        null,
                        java.nio.charset.StandardCharsets.UTF_8
                                .decode(r.value())
                                .toString(),
                        null));
            }
        }
        return out;
    }

    static List<Entry> readAllCommitted(PartitionLog log) throws IOException {
        List<Entry> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.lastStableOffset()) {
            LogReadResult r = log.read(next, 300, true, true);
            List<MutableRecordBatch> batches = TestBatches.batchesOf(r.records());
            if (batches.isEmpty()) {
                break;
            }
            out.addAll(committedView(r));
            next = batches.get(batches.size() - 1).nextOffset();
        }
        return out;
    }
}
