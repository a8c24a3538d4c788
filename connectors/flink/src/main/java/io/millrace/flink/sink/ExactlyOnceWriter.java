package io.millrace.flink.sink;

import io.millrace.connector.transactions.TransactionResumer;
import io.millrace.flink.sink.TransactionOutcomes.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.util.IOUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once writer: the records between two checkpoints go into one Kafka transaction,
 * pre-committed at the checkpoint (flushed, and handed to the committer as a
 * {@link MillraceCommittable}) and committed by the committer once the checkpoint completes.
 *
 * <p>Transactions use the ids of the writer's home space, lowest free first
 * ({@link TransactionalIdPool}), so a job uses a few ids per writer for its whole life rather than
 * one per checkpoint. Each transaction gets a fresh producer whose {@code initTransactions()} bumps
 * the id's epoch, so (id, producer id, epoch) names one transaction. A transaction starts with the
 * first record after a checkpoint; a checkpoint without records pre-commits nothing. The next
 * transaction's producer is initialized on another thread while the current one is written, on an
 * id that was free when it started ({@link InitializingProducer}).
 *
 * <p>On start and restore the writer first aborts the lingering transactions of the spaces it owns
 * ({@link SpaceOwnership}, {@link LingeringTransactions}); on close it aborts its open transaction,
 * but never a pre-committed one (its producer was closed without an abort). Pre-committed
 * transactions whose fate is not yet known are checkpointed ({@link MillraceWriterState}). Before
 * each transaction the writer learns which of them the committers of its JVM committed
 * ({@link CommittedTransactions}); only when that leaves no id free, or transactions outside the
 * pool unsettled, does it ask the broker with DescribeTransactions.
 *
 * <p>A transaction must be committed within the producer's {@code transaction.timeout.ms} of its
 * first record, or the broker aborts it and its records are lost: the writer warns when a
 * transaction reaches the checkpoint after half that time.
 *
 * <p>Not thread-safe: Flink calls it from the task thread, which alone uses its producers, pool and
 * admin client (see {@link RecordSender} for the send callbacks; the initializer thread uses a next
 * producer only until it is handed over).
 *
 * @param <IN> the type of the sink's elements
 */
final class ExactlyOnceWriter<IN> implements MillraceSinkWriter<IN> {

    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceWriter.class);

    private final Properties producerConfig;
    private final String prefix;
    private final RecordSender<IN> sender;
    private final AutoCloseable sinkContext;
    private final ProcessingTimeService time;
    private final long transactionTimeoutMs;
    private final SpaceOwnership ownership;
    private final TransactionalIdPool pool;
    /** Recovered pending transactions outside the pool (other spaces, or an earlier prefix), by space. */
    private final Map<Integer, List<MillraceCommittable>> others = new TreeMap<>();

    private final Admin admin;
    private final CommittedTransactions committed;
    /** The scope of {@link #committed} entries: the job's. */
    private final String scope;

    /** Initializes the next transaction's producer while the current one is written. */
    private final ExecutorService initializer;

    private OpenTransaction current;
    /** The producer for the next transaction, initializing on an id that was free; null while none is started. */
    private InitializingProducer next;

    ExactlyOnceWriter(
            Properties producerConfig,
            String prefix,
            RecordSender<IN> sender,
            AutoCloseable sinkContext,
            ProcessingTimeService time,
            SpaceOwnership ownership,
            Admin admin,
            CommittedTransactions committed,
            String scope) {
        this.producerConfig = producerConfig;
        this.prefix = prefix;
        this.sender = sender;
        this.sinkContext = sinkContext;
        this.time = time;
        this.transactionTimeoutMs =
                Long.parseLong(producerConfig.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        this.ownership = ownership;
        this.admin = admin;
        this.committed = committed;
        this.scope = scope;
        int home = ownership.homeSpace();
        List<MillraceCommittable> pooled = new ArrayList<>();
        for (int space : ownership.spaces()) {
            List<MillraceCommittable> outside = new ArrayList<>();
            for (MillraceCommittable committable : ownership.recoveredPending(space)) {
                boolean inPool = space == home
                        && TransactionalIds.parse(prefix, committable.transactionalId())
                                .filter(id -> id.space() == home)
                                .isPresent();
                (inPool ? pooled : outside).add(committable);
            }
            others.put(space, outside);
        }
        this.pool = new TransactionalIdPool(prefix, home, pooled);
        this.initializer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "millrace-sink-producer-init-" + prefix + "-" + home);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Aborts the lingering transactions of the writer's spaces and starts initializing the first
     * transaction's producer; called once before the first record.
     */
    void initialize() throws IOException {
        LingeringTransactions.abort(admin, ownership);
        next = startProducer();
    }

    @Override
    public void write(IN element, Context context) throws IOException {
        sender.checkErrors();
        ProducerRecord<byte[], byte[]> record = sender.serialize(element, context.timestamp());
        if (record == null) {
            return;
        }
        if (current == null) {
            current = begin();
        }
        sender.send(current.producer(), record);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (current != null) {
            current.producer().flush();
        }
        sender.checkErrors();
    }

    @Override
    public Collection<MillraceCommittable> prepareCommit() throws IOException {
        try {
            if (current == null) {
                return List.of();
            }
            current.producer().flush();
            sender.checkErrors();
            MillraceCommittable committable =
                    MillraceCommittable.of(current.transactionalId(), TransactionResumer.session(current.producer()));
            warnIfLong(committable, time.getCurrentProcessingTime() - current.startedAt());
            pool.precommitted(committable);
            // closing without a grace period sends no abort: the transaction stays open for the committer
            current.producer().close(Duration.ZERO);
            current = null;
            return List.of(committable);
        } finally {
            pool.endRound();
        }
    }

    @Override
    public List<MillraceWriterState> snapshotState(long checkpointId) {
        List<MillraceWriterState> states = new ArrayList<>();
        for (int space : ownership.spaces()) {
            List<MillraceCommittable> pending = new ArrayList<>(others.get(space));
            if (space == ownership.homeSpace()) {
                pending.addAll(pool.pending());
            }
            states.add(new MillraceWriterState(prefix, space, ownership.spaceCount(), pending));
        }
        return states;
    }

    @Override
    public void close() throws Exception {
        try {
            if (current != null) {
                abortOpen(current);
                current = null;
            }
            if (next != null) {
                next.close();
                next = null;
            }
        } finally {
            IOUtils.closeAll(initializer::shutdown, sinkContext, () -> admin.close(Duration.ZERO));
        }
    }

    /**
     * Opens a transaction on the next producer (or on the lowest free id), first learning which
     * pending transactions ended, and asking the broker if no id is free; then starts initializing
     * a producer for the next transaction. The pool grows only when no id is free after that, so
     * it holds one id more than without the next producer, no more.
     */
    private OpenTransaction begin() throws IOException {
        learnCommitted();
        if (!pool.hasFree() || others.values().stream().anyMatch(list -> !list.isEmpty())) {
            followUpPending();
        }
        InitializingProducer initializing = next != null ? next : startProducer();
        next = null;
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            producer = initializing.await();
            producer.beginTransaction();
        } catch (RuntimeException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            pool.released(initializing.transactionalId());
            if (e instanceof InvalidTxnTimeoutException) {
                throw new IOException(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG + "=" + transactionTimeoutMs
                                + " is more than the broker's transaction.max.timeout.ms allows: lower it with"
                                + " setProperty, or raise the broker's limit",
                        e);
            }
            throw e;
        }
        next = startProducer();
        return new OpenTransaction(initializing.transactionalId(), producer, time.getCurrentProcessingTime());
    }

    /** Opens the lowest free id (a new one if none is free) and starts initializing its producer. */
    private InitializingProducer startProducer() {
        return InitializingProducer.start(producerConfig, pool.open(), initializer);
    }

    /** Settles the pending transactions the committers of this JVM committed, without the broker. */
    private void learnCommitted() {
        for (MillraceCommittable committable : allPending()) {
            if (committed.take(scope, committable)) {
                settle(committable, Outcome.COMMITTED);
            }
        }
    }

    /** Asks the broker which pending transactions ended, freeing their ids once that is safe. */
    private void followUpPending() throws IOException {
        TransactionOutcomes.describe(admin, allPending()).forEach(this::settle);
    }

    /** The pending transactions of the pool and outside it. */
    private List<MillraceCommittable> allPending() {
        List<MillraceCommittable> pending = new ArrayList<>(pool.pending());
        others.values().forEach(pending::addAll);
        return pending;
    }

    /** Records the {@code outcome} of a pending transaction, of the pool or outside it. */
    private void settle(MillraceCommittable committable, Outcome outcome) {
        if (outcome == Outcome.OPEN) {
            return;
        }
        if (pool.pending().contains(committable)) {
            pool.ended(committable, outcome == Outcome.COMMITTED);
        } else {
            others.values().forEach(list -> list.remove(committable));
        }
    }

    private void warnIfLong(MillraceCommittable committable, long openMs) {
        if (openMs > transactionTimeoutMs / 2) {
            log.warn(
                    "Transaction {} was open for {} ms before its checkpoint, more than half of {}={} ms. The"
                            + " broker aborts a transaction not committed within that time, and its records are"
                            + " lost: checkpoint more often or raise {}",
                    committable,
                    openMs,
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    transactionTimeoutMs,
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        }
    }

    private static void abortOpen(OpenTransaction transaction) {
        try {
            transaction.producer().abortTransaction();
        } catch (RuntimeException e) {
            // the next start or restore aborts it as a lingering transaction
            log.info(
                    "Could not abort the open transaction {} on close: {}",
                    transaction.transactionalId(),
                    e.toString());
        } finally {
            transaction.producer().close(Duration.ZERO);
        }
    }

    /** The writer's current transaction: its id, producer and when its first record came. */
    private record OpenTransaction(String transactionalId, KafkaProducer<byte[], byte[]> producer, long startedAt) {}
}
