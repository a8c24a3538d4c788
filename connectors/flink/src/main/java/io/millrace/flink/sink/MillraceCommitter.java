package io.millrace.flink.sink;

import io.millrace.connector.transactions.TransactionResumer;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits pre-committed transactions once their checkpoint completed, after a restore too: a
 * producer with the transaction's id continues it by its producer id and epoch
 * ({@link TransactionResumer}) and sends EndTxn(commit). Producers that committed are kept per id
 * (a writer reuses its few ids), so a commit is one EndTxn. Committing a transaction that is
 * already committed succeeds again, so retries and restores are harmless. Each commit is recorded in
 * {@link CommittedTransactions}, where the writer of the same JVM learns that its id is settled.
 *
 * <p>A transaction that can no longer be committed was aborted, by the broker after
 * {@code transaction.timeout.ms} or by another producer with the same transactional id: its records
 * are lost. That is logged as an error naming the transaction and what the broker knows of it, and
 * counted by Flink as a failed committable; the job goes on. Retriable errors are retried by Flink;
 * anything else fails the job.
 *
 * <p>Not thread-safe: Flink calls it from the committer's task thread.
 */
final class MillraceCommitter implements Committer<MillraceCommittable> {

    private static final Logger log = LoggerFactory.getLogger(MillraceCommitter.class);

    /** Producers kept for transactional ids: a writer's few ids come back every few checkpoints. */
    private static final int KEPT_PRODUCERS = 32;

    private final Properties producerConfig;
    private final CommittedTransactions committedTransactions;
    /** The scope of {@link #committedTransactions} entries: the job's. */
    private final String scope;
    /** Producers that committed before, by transactional id, least recently used first. */
    private final Map<String, KafkaProducer<byte[], byte[]>> producers = new LinkedHashMap<>(16, 0.75f, true);

    MillraceCommitter(Properties producerConfig, CommittedTransactions committedTransactions, String scope) {
        this.producerConfig = producerConfig;
        this.committedTransactions = committedTransactions;
        this.scope = scope;
    }

    @Override
    public void commit(Collection<CommitRequest<MillraceCommittable>> requests) throws InterruptedException {
        for (CommitRequest<MillraceCommittable> request : requests) {
            commit(request);
        }
    }

    private void commit(CommitRequest<MillraceCommittable> request) throws InterruptedException {
        MillraceCommittable committable = request.getCommittable();
        KafkaProducer<byte[], byte[]> producer = producers.remove(committable.transactionalId());
        if (producer == null) {
            producer = SinkClients.transactionalProducer(producerConfig, committable.transactionalId());
        }
        boolean committed = false;
        try {
            TransactionResumer.resume(producer, committable.session());
            producer.commitTransaction();
            committed = true;
            committedTransactions.committed(scope, committable);
            log.debug("Committed {}", committable);
        } catch (ProducerFencedException
                | InvalidProducerEpochException
                | InvalidTxnStateException
                | UnknownProducerIdException
                | TransactionalIdNotFoundException e) {
            log.error(
                    "DATA LOSS: transaction {} cannot be committed, its records are lost. The broker aborted it"
                            + " (it was open longer than {}={} ms, e.g. while the job was down) or another producer"
                            + " used its transactional id (two sinks with one transactional id prefix). The broker"
                            + " now reports: {}",
                    committable,
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    producerConfig.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                    describe(committable),
                    e);
            request.signalFailedWithKnownReason(e);
        } catch (RetriableException e) {
            log.warn("Committing {} failed and is retried: {}", committable, e.toString());
            request.retryLater();
        } catch (InterruptException e) {
            Thread.interrupted(); // the InterruptedException thrown instead carries the interrupt
            throw new InterruptedException("Interrupted while committing " + committable);
        } catch (RuntimeException e) {
            request.signalFailedWithUnknownReason(e);
        } finally {
            keepOrClose(committable.transactionalId(), producer, committed);
        }
    }

    /** Keeps a producer that committed, for the id's next transaction; closes one that failed. */
    private void keepOrClose(String transactionalId, KafkaProducer<byte[], byte[]> producer, boolean committed) {
        if (!committed) {
            producer.close(Duration.ZERO);
            return;
        }
        producers.put(transactionalId, producer);
        if (producers.size() > KEPT_PRODUCERS) {
            Iterator<KafkaProducer<byte[], byte[]>> eldest = producers.values().iterator();
            eldest.next().close(Duration.ZERO);
            eldest.remove();
        }
    }

    /** What the broker knows of the transaction's id now, for the log. */
    private String describe(MillraceCommittable committable) {
        try (Admin admin = SinkClients.admin(producerConfig)) {
            TransactionDescription description = admin.describeTransactions(List.of(committable.transactionalId()))
                    .description(committable.transactionalId())
                    .get();
            return "state " + description.state() + ", producer id " + description.producerId() + ", epoch "
                    + description.producerEpoch();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "nothing (interrupted)";
        } catch (ExecutionException | RuntimeException e) {
            return "nothing (" + e + ")";
        }
    }

    @Override
    public void close() {
        producers.values().forEach(producer -> producer.close(Duration.ZERO));
        producers.clear();
    }
}
