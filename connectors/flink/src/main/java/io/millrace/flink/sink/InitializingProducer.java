package io.millrace.flink.sink;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A transactional producer for one free transactional id, created and initialized
 * ({@code initTransactions()}, which bumps the id's epoch) on an executor's thread, so that the
 * writer's next transaction need not wait for it. The id must be free when this starts: the
 * initialization fences whatever transaction the id had open.
 *
 * <p>Thread-safety: started, awaited and closed by one thread (the writer's task thread); the
 * producer is handed over to it through the future, and used by the executor's thread only until
 * then.
 */
final class InitializingProducer {

    private final String transactionalId;
    private final CompletableFuture<KafkaProducer<byte[], byte[]>> producer;

    private InitializingProducer(String transactionalId, CompletableFuture<KafkaProducer<byte[], byte[]>> producer) {
        this.transactionalId = transactionalId;
        this.producer = producer;
    }

    /** Starts creating and initializing a producer for {@code transactionalId} on {@code executor}. */
    static InitializingProducer start(Properties producerConfig, String transactionalId, Executor executor) {
        return new InitializingProducer(
                transactionalId,
                CompletableFuture.supplyAsync(() -> initialized(producerConfig, transactionalId), executor));
    }

    /** The transactional id. */
    String transactionalId() {
        return transactionalId;
    }

    /**
     * The initialized producer, once it is.
     *
     * @throws RuntimeException what creating or initializing it threw; the producer is closed then
     * @throws InterruptedIOException if interrupted while waiting; the producer is closed once initialized
     */
    KafkaProducer<byte[], byte[]> await() throws InterruptedIOException {
        try {
            return producer.get();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while initializing the producer of " + transactionalId);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException("Initializing the producer of " + transactionalId + " failed", e);
        }
    }

    /**
     * Closes the producer, without waiting for its initialization: then when that ends. It has
     * begun no transaction, so none is left open.
     */
    void close() {
        var unused = producer.thenAccept(p -> p.close(Duration.ZERO));
    }

    private static KafkaProducer<byte[], byte[]> initialized(Properties producerConfig, String transactionalId) {
        KafkaProducer<byte[], byte[]> producer = SinkClients.transactionalProducer(producerConfig, transactionalId);
        try {
            producer.initTransactions();
            return producer;
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }
}
