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
 * first record after a checkpoint; a checkpoint without records pre-commits nothing.
 *
 * <p>On start and restore the writer first aborts the lingering transactions of the spaces it owns
 * ({@link SpaceOwnership}, {@link LingeringTransactions}); on close it aborts its open transaction,
 * but never a pre-committed one (its producer was closed without an abort). Pre-committed
 * transactions whose fate is not yet known are checkpointed ({@link MillraceWriterState}) and
 * followed up with DescribeTransactions when an id is needed.
 *
 * <p>A transaction must be committed within the producer's {@code transaction.timeout.ms} of its
 * first record, or the broker aborts it and its records are lost: the writer warns when a
 * transaction reaches the checkpoint after half that time.
 *
 * <p>Not thread-safe: Flink calls it from the task thread, which alone uses its producers, pool and
 * admin client (see {@link RecordSender} for the send callbacks).
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
    private OpenTransaction current;

    ExactlyOnceWriter(
            Properties producerConfig,
            String prefix,
            RecordSender<IN> sender,
            AutoCloseable sinkContext,
            ProcessingTimeService time,
            SpaceOwnership ownership,
            Admin admin) {
        this.producerConfig = producerConfig;
        this.prefix = prefix;
        this.sender = sender;
        this.sinkContext = sinkContext;
        this.time = time;
        this.transactionTimeoutMs =
                Long.parseLong(producerConfig.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        this.ownership = ownership;
        this.admin = admin;
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
    }

    /** Aborts the lingering transactions of the writer's spaces; called once before the first record. */
    void initialize() throws IOException {
        LingeringTransactions.abort(admin, ownership);
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
        } finally {
            IOUtils.closeAll(sinkContext, () -> admin.close(Duration.ZERO));
        }
    }

    /** Opens a transaction on the lowest free id, first following up pending ones if none is free. */
    private OpenTransaction begin() throws IOException {
        if (!pool.hasFree() || others.values().stream().anyMatch(list -> !list.isEmpty())) {
            followUpPending();
        }
        String transactionalId = pool.open();
        KafkaProducer<byte[], byte[]> producer = SinkClients.transactionalProducer(producerConfig, transactionalId);
        try {
            producer.initTransactions();
            producer.beginTransaction();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            pool.released(transactionalId);
            if (e instanceof InvalidTxnTimeoutException) {
                throw new IOException(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG + "=" + transactionTimeoutMs
                                + " is more than the broker's transaction.max.timeout.ms allows: lower it with"
                                + " setProperty, or raise the broker's limit",
                        e);
            }
            throw e;
        }
        return new OpenTransaction(transactionalId, producer, time.getCurrentProcessingTime());
    }

    /** Asks the broker which pending transactions ended, freeing their ids once that is safe. */
    private void followUpPending() throws IOException {
        List<MillraceCommittable> pending = new ArrayList<>(pool.pending());
        others.values().forEach(pending::addAll);
        Map<MillraceCommittable, Outcome> outcomes = TransactionOutcomes.describe(admin, pending);
        List<MillraceCommittable> pooled = pool.pending();
        outcomes.forEach((committable, outcome) -> {
            if (outcome == Outcome.OPEN) {
                return;
            }
            if (pooled.contains(committable)) {
                pool.ended(committable, outcome == Outcome.COMMITTED);
            } else {
                others.values().forEach(list -> list.remove(committable));
            }
        });
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
