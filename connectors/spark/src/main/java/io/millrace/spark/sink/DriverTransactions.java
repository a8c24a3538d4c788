package io.millrace.spark.sink;

import io.millrace.connector.transactions.TransactionResumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownProducerIdException;

/**
 * What the driver does to the transactions its write tasks left open: commit them (a fresh producer
 * per transaction continues it, {@link TransactionResumer}, and sends EndTxn(commit); committing a
 * committed transaction again succeeds), abort them by fencing their ids, and find those of a query
 * still open. Stateless.
 */
final class DriverTransactions {

    private static final int MAX_PARALLEL_COMMITS = 16;

    private DriverTransactions() {}

    /**
     * Commits the transactions, in parallel.
     *
     * @throws IllegalStateException when one cannot be committed because the broker aborted it (its
     *     records are lost), or for any other failure
     */
    static void commit(SinkOptions options, Collection<TaskTransaction> transactions) throws InterruptedException {
        if (transactions.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL_COMMITS, transactions.size()));
        try {
            List<CompletableFuture<Void>> commits = new ArrayList<>();
            for (TaskTransaction transaction : transactions) {
                commits.add(CompletableFuture.runAsync(() -> commit(options, transaction), pool));
            }
            CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("Committing the batch's transactions failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void commit(SinkOptions options, TaskTransaction transaction) {
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(options.transactionalProducer(transaction.transactionalId()));
        try {
            TransactionResumer.resume(producer, transaction.session());
            producer.commitTransaction();
        } catch (ProducerFencedException
                | InvalidProducerEpochException
                | InvalidTxnStateException
                | UnknownProducerIdException
                | TransactionalIdNotFoundException e) {
            throw new IllegalStateException(
                    "DATA LOSS: the transaction " + transaction + " cannot be committed, its records are lost: the"
                            + " broker aborted it (it was open longer than transaction.timeout.ms, e.g. while the"
                            + " query was down) or another producer used its transactional id (two queries with"
                            + " one checkpoint, or speculative tasks)",
                    e);
        } finally {
            // at once: a graceful close of a producer whose commit did not go through would abort it
            producer.close(Duration.ZERO);
        }
    }

    /** Aborts the open transactions of the ids, by fencing them. */
    static void abort(Admin admin, Collection<String> transactionalIds) throws InterruptedException {
        if (transactionalIds.isEmpty()) {
            return;
        }
        try {
            admin.fenceProducers(transactionalIds).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot abort the transactions of " + transactionalIds, e.getCause());
        }
    }

    /** The ids of the query (ids starting with {@code base}) whose transaction is open. */
    static List<String> open(Admin admin, String base) throws InterruptedException {
        ListTransactionsOptions ongoing = new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING));
        try {
            return admin.listTransactions(ongoing).all().get().stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> TransactionalIds.isOf(base, id))
                    .toList();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list the open transactions", e.getCause());
        }
    }
}
