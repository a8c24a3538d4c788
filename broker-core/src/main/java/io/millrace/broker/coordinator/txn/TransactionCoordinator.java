package io.millrace.broker.coordinator.txn;

import io.millrace.broker.common.Clock;
import io.millrace.broker.coordinator.CoordinatorExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator of this node: one state machine per transactional id
 * ({@link TxnMetadata}, states in {@link TxnState}), persisted in the compacted internal topic
 * {@value #TOPIC} ({@link TxnStore}) and replayed at startup. Requests get Kafka's error codes.
 *
 * <ul>
 *   <li>InitProducerId: a new transactional id gets a producer id; a known one gets its epoch bumped,
 *       which fences older instances (PRODUCER_FENCED). An open transaction is first aborted with a
 *       bumped epoch and the caller told CONCURRENT_TRANSACTIONS until the abort completes; an
 *       exhausted epoch rotates the producer id.</li>
 *   <li>AddPartitionsToTxn (and AddOffsetsToTxn, which adds a {@code __consumer_offsets} partition)
 *       opens the transaction or adds to it.</li>
 *   <li>EndTxn persists PrepareCommit/PrepareAbort, writes the markers to every partition and
 *       persists CompleteCommit/CompleteAbort ({@link TxnCompletion}); the answer comes when the
 *       markers are durable. It works for any client holding the current (producer id, epoch), so a
 *       new process can commit a transaction it resumes (Flink's exactly-once sink), also after a
 *       broker restart.</li>
 *   <li>A transaction open longer than its own transaction.timeout.ms is aborted with a bumped epoch
 *       (checked every transaction.abort.timed.out.transaction.cleanup.interval.ms); idle
 *       transactional ids are forgotten after transactional.id.expiration.ms (a tombstone).</li>
 *   <li>Until the log is replayed, requests get COORDINATOR_LOAD_IN_PROGRESS; after it,
 *       transactions found decided but unfinished get their markers written again.</li>
 * </ul>
 *
 * <p>Threading: every public method hands its work to the {@link CoordinatorExecutor} (one coordinator
 * thread); callbacks run there and must only hand results off.
 */
public final class TransactionCoordinator {

    public static final String TOPIC = "__transaction_state";

    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);

    /** The answer to InitProducerId. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, TxnMetadata.NO_PRODUCER_ID, TxnMetadata.NO_EPOCH);
        }
    }

    /** A transactional id as DescribeTransactions and ListTransactions show it. */
    public record TxnView(
            String transactionalId,
            long producerId,
            short producerEpoch,
            TxnState state,
            int timeoutMs,
            long startTimestamp,
            Set<TopicPartition> partitions) {}

    /** DescribeTransactions' answer for one id: an error, or the view. */
    public record Described(String transactionalId, Errors error, TxnView view) {}

    /** ListTransactions' answer. */
    public record Listing(Errors error, List<String> unknownStates, List<TxnView> transactions) {}

    private final TxnCoordinatorConfig config;
    private final Clock clock;
    private final CoordinatorExecutor executor;
    private final TxnStore store;
    private final TxnCompletion completion;
    private final LongSupplier producerIds;
    private boolean loaded;

    /**
     * @param producerIds hands out new producer ids (may touch the disk; called on the coordinator thread)
     */
    public TransactionCoordinator(
            TxnCoordinatorConfig config,
            Clock clock,
            CoordinatorExecutor executor,
            TxnStateLog stateLog,
            TxnMarkerWriter markers,
            LongSupplier producerIds) {
        this.config = config;
        this.clock = clock;
        this.executor = executor;
        this.store = new TxnStore(stateLog);
        this.completion = new TxnCompletion(store, markers, executor, clock, config.markerRetryBackoffMs());
        this.producerIds = producerIds;
    }

    /** Partition of {@value #TOPIC} holding a transactional id. */
    public int partitionFor(String transactionalId) {
        return store.partitionFor(transactionalId);
    }

    /**
     * Replays {@value #TOPIC} on {@code loader} (blocking disk work), then takes requests, finishes
     * decided transactions and starts the periodic timeout and expiry checks.
     */
    public void startup(Executor loader) {
        loader.execute(() -> {
            long started = clock.nanoseconds();
            Map<String, TxnMetadata> state;
            try {
                state = store.load();
            } catch (IOException | RuntimeException e) {
                log.error(
                        "Could not load the transaction state from {}: {}. Transactional producers get"
                                + " COORDINATOR_LOAD_IN_PROGRESS until the broker is restarted with a readable {} topic.",
                        TOPIC,
                        e.toString(),
                        TOPIC,
                        e);
                return;
            }
            executor.execute(() -> install(state, (clock.nanoseconds() - started) / 1_000_000));
        });
        executor.schedule(this::abortTimedOutTransactionsPeriodically, config.abortTimedOutIntervalMs());
        executor.schedule(this::expireTransactionalIdsPeriodically, config.removeExpiredIntervalMs());
    }

    private void install(Map<String, TxnMetadata> state, long tookMs) {
        store.installLoaded(state);
        loaded = true;
        int finishing = 0;
        int open = 0;
        for (TxnMetadata md : state.values()) {
            if (md.state.isPreparing()) {
                finishing++;
                completion.complete(md, error -> {});
            } else if (md.state == TxnState.ONGOING) {
                open++;
            }
        }
        log.info(
                "Loaded {} transactional ids from {} in {} ms: {} transactions open, {} decided ones being finished",
                state.size(),
                TOPIC,
                tookMs,
                open,
                finishing);
    }

    // ---- InitProducerId ----

    /**
     * @param expectedProducerId the producer id the client has (v3+), -1 when none
     * @param expectedEpoch      its epoch, -1 when none
     */
    public void initProducerId(
            String transactionalId,
            int timeoutMs,
            long expectedProducerId,
            short expectedEpoch,
            Consumer<InitResult> done) {
        executor.execute(() -> {
            Errors early = !loaded
                    ? Errors.COORDINATOR_LOAD_IN_PROGRESS
                    : timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs() ? Errors.INVALID_TRANSACTION_TIMEOUT : null;
            if (early != null) {
                done.accept(InitResult.failed(early));
                return;
            }
            TxnMetadata md = store.get(transactionalId);
            if (md == null) {
                long producerId;
                try {
                    producerId = producerIds.getAsLong();
                } catch (ApiException e) {
                    log.error("No producer id for transactional id '{}': {}", transactionalId, e.getMessage());
                    done.accept(InitResult.failed(Errors.COORDINATOR_NOT_AVAILABLE));
                    return;
                }
                md = new TxnMetadata(transactionalId, producerId, timeoutMs, clock.milliseconds());
                store.put(md);
            }
            initExisting(md, timeoutMs, expectedProducerId, expectedEpoch, done);
        });
    }

    private void initExisting(
            TxnMetadata md, int timeoutMs, long expectedProducerId, short expectedEpoch, Consumer<InitResult> done) {
        boolean expected = expectedProducerId != TxnMetadata.NO_PRODUCER_ID;
        if (md.pending() != null || md.state.isPreparing()) {
            done.accept(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
            return;
        }
        if (expected
                && !(md.producerEpoch == TxnMetadata.NO_EPOCH
                        || expectedProducerId == md.producerId
                        || (expectedProducerId == md.previousProducerId && TxnMetadata.isExhausted(expectedEpoch)))) {
            done.accept(InitResult.failed(Errors.PRODUCER_FENCED));
            return;
        }
        long now = clock.milliseconds();
        if (md.state == TxnState.ONGOING) {
            log.info("InitProducerId for {}: aborting its open transaction first (the new instance retries)", md);
            fenceAndAbort(
                    md,
                    error -> done.accept(
                            InitResult.failed(error == Errors.NONE ? Errors.CONCURRENT_TRANSACTIONS : error)));
            return;
        }
        if (!md.state.isIdle()) {
            log.error("InitProducerId found {} in state {}, which must not be stable", md, md.state);
            done.accept(InitResult.failed(Errors.UNKNOWN_SERVER_ERROR));
            return;
        }
        TxnRecord next;
        try {
            if (md.isEpochExhausted() && (!expected || expectedEpoch == md.producerEpoch)) {
                next = md.prepareProducerIdRotation(producerIds.getAsLong(), timeoutMs, now, expected);
            } else {
                next = md.prepareIncrementEpoch(timeoutMs, expected ? expectedEpoch : null, now);
            }
        } catch (ProducerFencedException e) {
            log.info("InitProducerId for {} refused: {}", md, e.getMessage());
            done.accept(InitResult.failed(Errors.PRODUCER_FENCED));
            return;
        } catch (ApiException e) {
            done.accept(InitResult.failed(Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        store.persist(md, next, error -> {
            if (error == Errors.NONE) {
                log.info(
                        "Initialized transactional id '{}' with producer id {} and epoch {} on partition {}-{}",
                        md.transactionalId,
                        md.producerId,
                        md.producerEpoch,
                        TOPIC,
                        store.partitionFor(md.transactionalId));
                done.accept(new InitResult(Errors.NONE, md.producerId, md.producerEpoch));
            } else {
                done.accept(InitResult.failed(error));
            }
        });
    }

    /** Aborts the open transaction of {@code md} with a bumped epoch; {@code written} gets the PrepareAbort outcome. */
    private void fenceAndAbort(TxnMetadata md, Consumer<Errors> written) {
        store.persist(md, md.prepareFenceAndAbort(clock.milliseconds()), error -> {
            written.accept(error);
            if (error == Errors.NONE) {
                completion.complete(md, outcome -> {});
            }
        });
    }

    // ---- AddPartitionsToTxn, AddOffsetsToTxn ----

    /** Adds partitions to the producer's transaction (opening it when none is open). */
    public void addPartitions(
            String transactionalId,
            long producerId,
            short epoch,
            Set<TopicPartition> partitions,
            Consumer<Errors> done) {
        executor.execute(() -> {
            TxnMetadata md = store.get(transactionalId);
            Errors error = checkProducer(md, producerId, epoch);
            if (error == null && (md.pending() != null || md.state.isPreparing())) {
                error = Errors.CONCURRENT_TRANSACTIONS;
            }
            if (error == null && md.state == TxnState.ONGOING && md.partitions.containsAll(partitions)) {
                error = Errors.NONE;
            }
            if (error == null && md.state != TxnState.ONGOING && !md.state.isIdle()) {
                error = Errors.INVALID_TXN_STATE;
            }
            if (error != null) {
                done.accept(error);
                return;
            }
            store.persist(md, md.prepareAddPartitions(partitions, clock.milliseconds()), done);
        });
    }

    /**
     * KIP-890 verification for Produce: NONE when {@code partition} is part of the producer's open
     * transaction, TRANSACTION_ABORTABLE when it is not.
     */
    public void verifyPartition(
            String transactionalId, long producerId, short epoch, TopicPartition partition, Consumer<Errors> done) {
        executor.execute(() -> {
            TxnMetadata md = store.get(transactionalId);
            Errors error = checkProducer(md, producerId, epoch);
            if (error == null) {
                error = md.state.isPreparing()
                        ? Errors.CONCURRENT_TRANSACTIONS
                        : md.partitions.contains(partition) ? Errors.NONE : Errors.TRANSACTION_ABORTABLE;
            }
            done.accept(error);
        });
    }

    /** The common checks: loaded, known id, its producer id and epoch; null when they pass. */
    private Errors checkProducer(TxnMetadata md, long producerId, short epoch) {
        if (!loaded) {
            return Errors.COORDINATOR_LOAD_IN_PROGRESS;
        }
        if (md == null || md.producerId != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (md.producerEpoch != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return null;
    }

    // ---- EndTxn ----

    /** Commits or aborts the producer's transaction; answers once its markers are durable. */
    public void endTxn(String transactionalId, long producerId, short epoch, boolean commit, Consumer<Errors> done) {
        executor.execute(() -> {
            TxnMetadata md = store.get(transactionalId);
            Errors error = checkProducer(md, producerId, epoch);
            if (error == null && md.pending() != null) {
                error = Errors.CONCURRENT_TRANSACTIONS;
            }
            if (error == null) {
                error = endTxnError(md.state, commit);
            }
            if (error != null) {
                if (error == Errors.INVALID_TXN_STATE) {
                    log.info(
                            "EndTxn({}) for {} refused: the transaction is {}",
                            commit ? "commit" : "abort",
                            md,
                            md.state.displayName());
                }
                done.accept(error);
                return;
            }
            TxnState next = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
            store.persist(md, md.prepareAbortOrCommit(next, clock.milliseconds()), written -> {
                if (written != Errors.NONE) {
                    done.accept(written);
                } else {
                    completion.complete(md, done);
                }
            });
        });
    }

    /** What EndTxn answers in a state other than Ongoing (null: go ahead). */
    private static Errors endTxnError(TxnState state, boolean commit) {
        switch (state) {
            case ONGOING:
                return null;
            case COMPLETE_COMMIT:
                return commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
            case COMPLETE_ABORT:
                return commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
            case PREPARE_COMMIT:
                return commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
            case PREPARE_ABORT:
                return commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
            default:
                return Errors.INVALID_TXN_STATE;
        }
    }

    // ---- timeouts and expiry ----

    /** Aborts, with a bumped epoch, every transaction open for longer than its transaction.timeout.ms. */
    public void abortTimedOutTransactions() {
        forEachSettled((md, now) -> {
            if (md.state == TxnState.ONGOING && md.startTimestamp + md.timeoutMs < now) {
                log.info(
                        "Aborting the transaction of {}: open for {} ms, longer than its transaction.timeout.ms={};"
                                + " its epoch is bumped, so the producer instance that opened it is fenced",
                        md,
                        now - md.startTimestamp,
                        md.timeoutMs);
                fenceAndAbort(md, error -> {
                    if (error != Errors.NONE) {
                        log.warn(
                                "Could not abort the timed-out transaction of {}: {}; will try again",
                                md,
                                error.name());
                    }
                });
            }
        });
    }

    /** Forgets (tombstones) transactional ids idle for transactional.id.expiration.ms. */
    public void expireTransactionalIds() {
        forEachSettled((md, now) -> {
            if (md.state.isIdle() && md.lastUpdateTimestamp <= now - config.transactionalIdExpirationMs()) {
                store.persist(
                        md,
                        md.prepareDead(),
                        error -> log.info(
                                "Transactional id '{}' expired after {} ms without use{}",
                                md.transactionalId,
                                config.transactionalIdExpirationMs(),
                                error == Errors.NONE ? "" : "; writing its tombstone failed (" + error.name() + ")"));
            }
        });
    }

    /**
     * On the coordinator thread, once the state is loaded: runs {@code action} with the current time
     * for every transactional id that has no transition in flight.
     */
    private void forEachSettled(ObjLongConsumer<TxnMetadata> action) {
        executor.execute(() -> {
            if (!loaded) {
                return;
            }
            long now = clock.milliseconds();
            for (TxnMetadata md : new ArrayList<>(store.all())) {
                if (md.pending() == null) {
                    action.accept(md, now);
                }
            }
        });
    }

    private void abortTimedOutTransactionsPeriodically() {
        abortTimedOutTransactions();
        executor.schedule(this::abortTimedOutTransactionsPeriodically, config.abortTimedOutIntervalMs());
    }

    private void expireTransactionalIdsPeriodically() {
        expireTransactionalIds();
        executor.schedule(this::expireTransactionalIdsPeriodically, config.removeExpiredIntervalMs());
    }

    // ---- DescribeTransactions, ListTransactions ----

    public void describe(List<String> transactionalIds, Consumer<List<Described>> done) {
        executor.execute(() -> {
            List<Described> out = new ArrayList<>();
            for (String id : transactionalIds) {
                TxnMetadata md = store.get(id);
                if (!loaded) {
                    out.add(new Described(id, Errors.COORDINATOR_LOAD_IN_PROGRESS, null));
                } else if (id == null || id.isEmpty()) {
                    out.add(new Described(id, Errors.INVALID_REQUEST, null));
                } else if (md == null || md.state == TxnState.DEAD || md.pending() == TxnState.DEAD) {
                    out.add(new Described(id, Errors.TRANSACTIONAL_ID_NOT_FOUND, null));
                } else {
                    out.add(new Described(id, Errors.NONE, view(md)));
                }
            }
            done.accept(out);
        });
    }

    /**
     * Lists transactional ids, filtered by state names (unknown ones are reported back), producer
     * ids, a minimum duration since the transaction started ({@code -1}: any) and a transactional-id
     * regular expression (null or empty: any).
     */
    public void list(
            Set<String> states,
            Set<Long> producerIdFilter,
            long minDurationMs,
            java.util.regex.Pattern idPattern,
            Consumer<Listing> done) {
        executor.execute(() -> {
            List<String> unknown = new ArrayList<>();
            Set<TxnState> wanted = new HashSet<>();
            for (String s : states) {
                TxnState.byName(s).ifPresentOrElse(wanted::add, () -> unknown.add(s));
            }
            if (!loaded) {
                done.accept(new Listing(Errors.COORDINATOR_LOAD_IN_PROGRESS, unknown, List.of()));
                return;
            }
            long now = clock.milliseconds();
            List<TxnView> out = new ArrayList<>();
            for (TxnMetadata md : store.all()) {
                boolean include = md.state != TxnState.DEAD
                        && (producerIdFilter.isEmpty() || producerIdFilter.contains(md.producerId))
                        && (states.isEmpty() || wanted.contains(md.state))
                        && (minDurationMs < 0 || now - md.startTimestamp > minDurationMs)
                        && (idPattern == null
                                || idPattern.matcher(md.transactionalId).matches());
                if (include) {
                    out.add(view(md));
                }
            }
            done.accept(new Listing(Errors.NONE, unknown, out));
        });
    }

    private static TxnView view(TxnMetadata md) {
        return new TxnView(
                md.transactionalId,
                md.producerId,
                md.producerEpoch,
                md.state,
                md.timeoutMs,
                md.startTimestamp,
                Set.copyOf(md.partitions));
    }
}
