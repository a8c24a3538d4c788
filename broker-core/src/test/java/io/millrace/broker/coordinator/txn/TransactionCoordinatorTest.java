package io.millrace.broker.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.coordinator.ManualCoordinatorExecutor;
import io.millrace.broker.coordinator.txn.RecordingMarkerWriter.Marker;
import io.millrace.broker.coordinator.txn.TransactionCoordinator.Described;
import io.millrace.broker.coordinator.txn.TransactionCoordinator.InitResult;
import io.millrace.broker.coordinator.txn.TransactionCoordinator.Listing;
import io.millrace.broker.coordinator.txn.TransactionCoordinator.TxnView;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transaction coordinator's state machine, driven by hand on a manual clock. */
class TransactionCoordinatorTest {

    private static final String TXN = "payments-1";
    private static final int TIMEOUT = 60_000;
    private static final int MAX_TIMEOUT = 900_000;
    private static final long EXPIRATION = 7 * 24 * 3_600_000L;
    private static final long ABORT_INTERVAL = 10_000;
    private static final TopicPartition T0 = new TopicPartition("orders", 0);
    private static final TopicPartition T1 = new TopicPartition("orders", 1);

    private final ManualClock clock = new ManualClock();
    private final InMemoryTxnStateLog stateLog = new InMemoryTxnStateLog(5);
    private final RecordingMarkerWriter markers = new RecordingMarkerWriter();
    private final AtomicLong nextProducerId = new AtomicLong(1000);
    private ManualCoordinatorExecutor executor;
    private TransactionCoordinator coordinator;

    @BeforeEach
    void start() {
        startCoordinator();
    }

    /** A coordinator (re)started over the same state log, loaded. */
    private void startCoordinator() {
        newCoordinator();
        coordinator.startup(Runnable::run);
        executor.runAll();
    }

    /** A new coordinator over the same state log, on a new executor, not started. */
    private void newCoordinator() {
        executor = new ManualCoordinatorExecutor(clock);
        stateLog.useExecutor(executor);
        markers.useExecutor(executor);
        coordinator = new TransactionCoordinator(
                new TxnCoordinatorConfig(5, 1 << 20, MAX_TIMEOUT, EXPIRATION, ABORT_INTERVAL, 3_600_000, 1000, true),
                clock,
                executor,
                stateLog,
                markers,
                nextProducerId::getAndIncrement);
    }

    private InitResult init(String id, int timeoutMs) {
        return init(id, timeoutMs, -1L, (short) -1);
    }

    private InitResult init(String id, int timeoutMs, long expectedPid, short expectedEpoch) {
        AtomicReference<InitResult> result = new AtomicReference<>();
        coordinator.initProducerId(id, timeoutMs, expectedPid, expectedEpoch, result::set);
        executor.runAll();
        return result.get();
    }

    private Errors add(InitResult p, TopicPartition... partitions) {
        AtomicReference<Errors> result = new AtomicReference<>();
        coordinator.addPartitions(TXN, p.producerId(), p.producerEpoch(), Set.of(partitions), result::set);
        executor.runAll();
        return result.get();
    }

    private Errors end(long pid, short epoch, boolean commit) {
        AtomicReference<Errors> result = new AtomicReference<>();
        coordinator.endTxn(TXN, pid, epoch, commit, result::set);
        executor.runAll();
        return result.get();
    }

    private TxnView describe(String id) {
        AtomicReference<List<Described>> result = new AtomicReference<>();
        coordinator.describe(List.of(id), result::set);
        executor.runAll();
        Described d = result.get().get(0);
        assertThat(d.error()).isEqualTo(Errors.NONE);
        return d.view();
    }

    private Listing list(Set<String> states, Set<Long> pids, long minDurationMs, Pattern pattern) {
        AtomicReference<Listing> result = new AtomicReference<>();
        coordinator.list(states, pids, minDurationMs, pattern, result::set);
        executor.runAll();
        return result.get();
    }

    @Test
    void initAllocatesAProducerIdAndBumpsTheEpochOnEveryInit() {
        InitResult first = init(TXN, TIMEOUT);
        InitResult second = init(TXN, TIMEOUT);

        assertThat(first).isEqualTo(new InitResult(Errors.NONE, 1000, (short) 0));
        assertThat(second).isEqualTo(new InitResult(Errors.NONE, 1000, (short) 1));
        assertThat(describe(TXN).state()).isEqualTo(TxnState.EMPTY);
        assertThat(init("other", TIMEOUT).producerId()).isEqualTo(1001);
    }

    @Test
    void aTimeoutAboveTheMaximumIsRefused() {
        assertThat(init(TXN, MAX_TIMEOUT + 1).error()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(init(TXN, 0).error()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(init(TXN, MAX_TIMEOUT).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void aRetriedInitGetsTheSameEpochAndAStaleOneIsFenced() {
        InitResult first = init(TXN, TIMEOUT);
        InitResult bumped = init(TXN, TIMEOUT, first.producerId(), first.producerEpoch());
        InitResult retry = init(TXN, TIMEOUT, first.producerId(), first.producerEpoch());

        assertThat(bumped.producerEpoch()).isEqualTo((short) 1);
        assertThat(retry).as("a retry of the bump whose answer was lost").isEqualTo(bumped);
        init(TXN, TIMEOUT);
        assertThat(init(TXN, TIMEOUT, first.producerId(), first.producerEpoch()).error())
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init(TXN, TIMEOUT, 999L, (short) 0).error()).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void addPartitionsChecksTheProducerAndOpensTheTransaction() {
        InitResult p = init(TXN, TIMEOUT);
        AtomicReference<Errors> wrongId = new AtomicReference<>();
        coordinator.addPartitions(TXN, 42L, p.producerEpoch(), Set.of(T0), wrongId::set);
        AtomicReference<Errors> wrongEpoch = new AtomicReference<>();
        coordinator.addPartitions(TXN, p.producerId(), (short) 5, Set.of(T0), wrongEpoch::set);
        AtomicReference<Errors> unknown = new AtomicReference<>();
        coordinator.addPartitions("nobody", p.producerId(), p.producerEpoch(), Set.of(T0), unknown::set);
        executor.runAll();
        long before = clock.milliseconds();

        assertThat(wrongId.get()).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(wrongEpoch.get()).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(unknown.get()).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(add(p, T0)).isEqualTo(Errors.NONE);
        clock.advanceMs(5);
        assertThat(add(p, T1)).isEqualTo(Errors.NONE);
        TxnView view = describe(TXN);
        assertThat(view.state()).isEqualTo(TxnState.ONGOING);
        assertThat(view.partitions()).containsExactlyInAnyOrder(T0, T1);
        assertThat(view.startTimestamp()).as("started with the first partition").isEqualTo(before);
    }

    @Test
    void commitWritesAMarkerToEveryPartitionBeforeAnswering() {
        InitResult p = init(TXN, TIMEOUT);
        add(p, T0, T1);

        assertThat(end(p.producerId(), p.producerEpoch(), true)).isEqualTo(Errors.NONE);

        assertThat(markers.written)
                .containsExactlyInAnyOrder(
                        new Marker(T0, 1000, (short) 0, true), new Marker(T1, 1000, (short) 0, true));
        assertThat(describe(TXN).state()).isEqualTo(TxnState.COMPLETE_COMMIT);
        assertThat(describe(TXN).partitions()).isEmpty();
        assertThat(stateLog.recordsOf(TXN))
                .extracting(TxnRecord::state)
                .containsExactly(TxnState.EMPTY, TxnState.ONGOING, TxnState.PREPARE_COMMIT, TxnState.COMPLETE_COMMIT);
        assertThat(end(p.producerId(), p.producerEpoch(), true))
                .as("a retried commit")
                .isEqualTo(Errors.NONE);
        assertThat(end(p.producerId(), p.producerEpoch(), false)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(markers.written).hasSize(2);
    }

    @Test
    void endTxnWithoutAnOpenTransactionIsAnInvalidState() {
        InitResult p = init(TXN, TIMEOUT);
        assertThat(end(p.producerId(), p.producerEpoch(), true)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(end(p.producerId(), (short) 7, true)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(end(4242L, p.producerEpoch(), true)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
    }

    @Test
    void initOnAnOpenTransactionAbortsItWithABumpedEpochAndFencesTheOldInstance() {
        InitResult old = init(TXN, TIMEOUT);
        add(old, T0);

        InitResult whileAborting = init(TXN, TIMEOUT);
        assertThat(whileAborting.error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(markers.written).containsExactly(new Marker(T0, 1000, (short) 1, false));
        assertThat(describe(TXN).state()).isEqualTo(TxnState.COMPLETE_ABORT);

        InitResult fresh = init(TXN, TIMEOUT);
        assertThat(fresh).isEqualTo(new InitResult(Errors.NONE, 1000, (short) 2));
        assertThat(end(old.producerId(), old.producerEpoch(), true)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(add(old, T1)).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aTransactionIsAbortedOnlyOnceItOutlivedItsOwnTimeout() {
        InitResult p = init(TXN, TIMEOUT);
        add(p, T0);

        executor.advance(TIMEOUT);
        assertThat(describe(TXN).state())
                .as("exactly at the timeout: still open")
                .isEqualTo(TxnState.ONGOING);
        assertThat(markers.written).isEmpty();

        executor.advance(ABORT_INTERVAL);
        assertThat(describe(TXN).state()).isEqualTo(TxnState.COMPLETE_ABORT);
        assertThat(markers.written).containsExactly(new Marker(T0, 1000, (short) 1, false));
        assertThat(end(p.producerId(), p.producerEpoch(), true))
                .as("the zombie")
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aLongTransactionTimeoutIsRespected() {
        InitResult p = init(TXN, MAX_TIMEOUT);
        add(p, T0);

        executor.advance(MAX_TIMEOUT - ABORT_INTERVAL);

        assertThat(describe(TXN).state()).isEqualTo(TxnState.ONGOING);
        assertThat(end(p.producerId(), p.producerEpoch(), true)).isEqualTo(Errors.NONE);
    }

    @Test
    void aNewProcessCommitsAResumedTransactionByItsProducerIdAndEpochAcrossARestart() {
        InitResult p = init(TXN, TIMEOUT);
        add(p, T0, T1);
        // The writing process dies; the broker restarts; a new process resumes (Flink's recovery).
        startCoordinator();

        assertThat(describe(TXN).state()).isEqualTo(TxnState.ONGOING);
        assertThat(end(p.producerId(), p.producerEpoch(), true)).isEqualTo(Errors.NONE);
        assertThat(markers.written).extracting(Marker::commit).containsExactly(true, true);
        assertThat(end(p.producerId(), p.producerEpoch(), true))
                .as("committing it again")
                .isEqualTo(Errors.NONE);
    }

    @Test
    void aDecidedTransactionIsFinishedAfterARestart() {
        InitResult p = init(TXN, TIMEOUT);
        add(p, T0, T1);
        markers.failing.put(T1, Errors.KAFKA_STORAGE_ERROR);
        assertThat(end(p.producerId(), p.producerEpoch(), true))
                .as("decided, even though a marker is late")
                .isEqualTo(Errors.NONE);
        assertThat(describe(TXN).state()).isEqualTo(TxnState.PREPARE_COMMIT);
        markers.written.clear();
        markers.failing.clear();

        startCoordinator();

        assertThat(markers.written)
                .containsExactlyInAnyOrder(
                        new Marker(T0, 1000, (short) 0, true), new Marker(T1, 1000, (short) 0, true));
        assertThat(describe(TXN).state()).isEqualTo(TxnState.COMPLETE_COMMIT);
    }

    @Test
    void aFailedMarkerIsRetriedUntilItIsWritten() {
        InitResult p = init(TXN, TIMEOUT);
        add(p, T0, T1);
        markers.failing.put(T1, Errors.KAFKA_STORAGE_ERROR);
        assertThat(end(p.producerId(), p.producerEpoch(), false)).isEqualTo(Errors.NONE);
        assertThat(add(p, T0)).as("the abort is still being finished").isEqualTo(Errors.CONCURRENT_TRANSACTIONS);

        markers.failing.clear();
        executor.advance(1000);

        assertThat(markers.written).extracting(Marker::partition).containsExactlyInAnyOrder(T0, T1);
        assertThat(describe(TXN).state()).isEqualTo(TxnState.COMPLETE_ABORT);
    }

    @Test
    void everyStateIsReplayedAfterARestart() {
        InitResult empty = init("empty", TIMEOUT);
        InitResult ongoing = init(TXN, TIMEOUT);
        add(ongoing, T0);
        InitResult committed = init("committed", TIMEOUT);
        AtomicReference<Errors> r = new AtomicReference<>();
        coordinator.addPartitions("committed", committed.producerId(), committed.producerEpoch(), Set.of(T1), r::set);
        executor.runAll();
        coordinator.endTxn("committed", committed.producerId(), committed.producerEpoch(), true, r::set);
        executor.runAll();
        TxnView before = describe(TXN);

        startCoordinator();

        assertThat(describe(TXN)).isEqualTo(before);
        assertThat(describe("empty").producerId()).isEqualTo(empty.producerId());
        assertThat(describe("committed").state()).isEqualTo(TxnState.COMPLETE_COMMIT);
        assertThat(init(TXN, TIMEOUT).error())
                .as("the open transaction is aborted first")
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
    }

    @Test
    void requestsWaitForTheStateToLoad() {
        newCoordinator();

        assertThat(init(TXN, TIMEOUT).error()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
    }

    @Test
    void anExhaustedEpochRotatesTheProducerId() {
        InitResult p = init(TXN, TIMEOUT);
        // Drive the epoch to the last usable value by replaying a record that holds it.
        stateLog.append(
                coordinator.partitionFor(TXN),
                TXN,
                new TxnRecord(
                        TXN,
                        p.producerId(),
                        -1,
                        TxnMetadata.MAX_USABLE_EPOCH,
                        (short) -1,
                        TIMEOUT,
                        TxnState.EMPTY,
                        Set.of(),
                        -1,
                        clock.milliseconds()),
                e -> {});
        startCoordinator();

        InitResult rotated = init(TXN, TIMEOUT, p.producerId(), TxnMetadata.MAX_USABLE_EPOCH);

        assertThat(rotated.error()).isEqualTo(Errors.NONE);
        assertThat(rotated.producerId()).isNotEqualTo(p.producerId());
        assertThat(rotated.producerEpoch()).isZero();
        assertThat(init(TXN, TIMEOUT, p.producerId(), TxnMetadata.MAX_USABLE_EPOCH))
                .as("a retry of the rotation")
                .isEqualTo(rotated);
    }

    @Test
    void verificationConfirmsOnlyPartitionsOfTheOpenTransaction() {
        InitResult p = init(TXN, TIMEOUT);
        add(p, T0);
        AtomicReference<Errors> added = new AtomicReference<>();
        AtomicReference<Errors> notAdded = new AtomicReference<>();
        AtomicReference<Errors> stale = new AtomicReference<>();
        coordinator.verifyPartition(TXN, p.producerId(), p.producerEpoch(), T0, added::set);
        coordinator.verifyPartition(TXN, p.producerId(), p.producerEpoch(), T1, notAdded::set);
        coordinator.verifyPartition(TXN, p.producerId(), (short) 9, T0, stale::set);
        executor.runAll();

        assertThat(added.get()).isEqualTo(Errors.NONE);
        assertThat(notAdded.get()).isEqualTo(Errors.TRANSACTION_ABORTABLE);
        assertThat(stale.get()).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void idleTransactionalIdsExpireWithATombstone() {
        init(TXN, TIMEOUT);
        InitResult open = init("open", TIMEOUT);
        AtomicReference<Errors> r = new AtomicReference<>();
        coordinator.addPartitions("open", open.producerId(), open.producerEpoch(), Set.of(T0), r::set);
        executor.runAll();

        clock.advanceMs(EXPIRATION);
        coordinator.expireTransactionalIds();
        executor.runAll();

        AtomicReference<List<Described>> described = new AtomicReference<>();
        coordinator.describe(List.of(TXN), described::set);
        executor.runAll();
        assertThat(described.get().get(0).error()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
        assertThat(stateLog.recordsOf(TXN)).last().isNull();
        assertThat(list(Set.of(), Set.of(), -1, null).transactions())
                .extracting(TxnView::transactionalId)
                .containsExactly("open");
        startCoordinator();
        assertThat(list(Set.of(), Set.of(), -1, null).transactions())
                .extracting(TxnView::transactionalId)
                .containsExactly("open");
    }

    @Test
    void listFiltersByStateProducerIdDurationAndPattern() {
        InitResult a = init("sink-a", TIMEOUT);
        init("sink-b", TIMEOUT);
        init("other", TIMEOUT);
        AtomicReference<Errors> r = new AtomicReference<>();
        coordinator.addPartitions("sink-a", a.producerId(), a.producerEpoch(), Set.of(T0), r::set);
        executor.runAll();
        clock.advanceMs(5000);

        Listing ongoing = list(Set.of("Ongoing", "Bogus"), Set.of(), -1, null);
        assertThat(ongoing.transactions()).extracting(TxnView::transactionalId).containsExactly("sink-a");
        assertThat(ongoing.unknownStates()).containsExactly("Bogus");
        assertThat(list(Set.of(), Set.of(a.producerId()), -1, null).transactions())
                .hasSize(1);
        assertThat(list(Set.of("Ongoing"), Set.of(), 4000, null).transactions()).hasSize(1);
        assertThat(list(Set.of("Ongoing"), Set.of(), 6000, null).transactions()).isEmpty();
        assertThat(list(Set.of(), Set.of(), -1, Pattern.compile("sink-.*")).transactions())
                .extracting(TxnView::transactionalId)
                .containsExactlyInAnyOrder("sink-a", "sink-b");
    }

    @Test
    void aFailedStateWriteChangesNothingAndTellsTheClientToRetry() {
        InitResult p = init(TXN, TIMEOUT);
        stateLog.failing = Errors.KAFKA_STORAGE_ERROR;

        assertThat(add(p, T0)).isEqualTo(Errors.NOT_COORDINATOR);
        stateLog.failing = Errors.NONE;
        assertThat(describe(TXN).state()).isEqualTo(TxnState.EMPTY);
        assertThat(add(p, T0)).isEqualTo(Errors.NONE);
    }
}
