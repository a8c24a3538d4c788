package io.millrace.broker.coordinator.txn;

import io.millrace.broker.common.Clock;
import io.millrace.broker.coordinator.CoordinatorExecutor;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes a decided transaction (PrepareCommit or PrepareAbort, durable): writes its marker to
 * every partition of the transaction, then persists CompleteCommit or CompleteAbort (Kafka's
 * TransactionMarkerChannelManager). A marker that cannot be written (partition offline, disk full)
 * is retried every {@code retryBackoffMs} until it is, because the outcome is already decided; a
 * partition that no longer exists, or one whose producer state has moved past this epoch (someone
 * else finished the transaction there), needs no marker.
 *
 * <p>Coordinator thread only.
 */
final class TxnCompletion {

    private static final Logger log = LoggerFactory.getLogger(TxnCompletion.class);

    /** The coordinator epoch stamped into markers: one node, one coordinator that never changes. */
    static final int COORDINATOR_EPOCH = 0;

    private final TxnStore store;
    private final TxnMarkerWriter writer;
    private final CoordinatorExecutor executor;
    private final Clock clock;
    private final long retryBackoffMs;

    TxnCompletion(
            TxnStore store, TxnMarkerWriter writer, CoordinatorExecutor executor, Clock clock, long retryBackoffMs) {
        this.store = store;
        this.writer = writer;
        this.executor = executor;
        this.clock = clock;
        this.retryBackoffMs = retryBackoffMs;
    }

    /**
     * Completes the decided transaction of {@code metadata}. {@code answer} runs once: with NONE when
     * the transaction is complete, or as soon as a marker or the final record must be retried (the
     * outcome stands either way, so the client's EndTxn succeeded).
     */
    void complete(TxnMetadata metadata, Consumer<Errors> answer) {
        Once once = new Once(answer);
        boolean commit = metadata.state == TxnState.PREPARE_COMMIT;
        Set<TopicPartition> remaining = new HashSet<>(metadata.partitions);
        if (remaining.isEmpty()) {
            finish(metadata, once);
            return;
        }
        for (TopicPartition tp : Set.copyOf(remaining)) {
            send(metadata, tp, metadata.producerId, metadata.producerEpoch, commit, remaining, once);
        }
    }

    private void send(
            TxnMetadata metadata,
            TopicPartition tp,
            long producerId,
            short epoch,
            boolean commit,
            Set<TopicPartition> remaining,
            Once answer) {
        writer.write(tp, producerId, epoch, COORDINATOR_EPOCH, commit, error -> {
            switch (error) {
                case NONE:
                    break;
                case UNKNOWN_TOPIC_OR_PARTITION:
                    log.info(
                            "{} of {}: partition {} no longer exists; it needs no marker",
                            commit ? "Commit" : "Abort",
                            metadata,
                            tp);
                    break;
                case INVALID_PRODUCER_EPOCH:
                case TRANSACTION_COORDINATOR_FENCED:
                    log.warn(
                            "{} of {}: partition {} refused the marker ({}): its producer state moved past epoch {};"
                                    + " not retrying",
                            commit ? "Commit" : "Abort",
                            metadata,
                            tp,
                            error.name(),
                            epoch);
                    break;
                default:
                    log.warn(
                            "{} of {}: the marker for partition {} could not be written ({}); retrying in {} ms",
                            commit ? "Commit" : "Abort",
                            metadata,
                            tp,
                            error.name(),
                            retryBackoffMs);
                    answer.accept(Errors.NONE);
                    executor.schedule(
                            () -> send(metadata, tp, producerId, epoch, commit, remaining, answer), retryBackoffMs);
                    return;
            }
            remaining.remove(tp);
            if (remaining.isEmpty()) {
                finish(metadata, answer);
            }
        });
    }

    private void finish(TxnMetadata metadata, Once answer) {
        store.persist(metadata, metadata.prepareComplete(clock.milliseconds()), error -> {
            if (error == Errors.NONE) {
                answer.accept(Errors.NONE);
                return;
            }
            answer.accept(Errors.NONE);
            executor.schedule(() -> finish(metadata, answer), retryBackoffMs);
        });
    }

    /** Calls the wrapped callback on the first call only. */
    private static final class Once implements Consumer<Errors> {
        private Consumer<Errors> target;

        Once(Consumer<Errors> target) {
            this.target = target;
        }

        @Override
        public void accept(Errors error) {
            Consumer<Errors> t = target;
            target = null;
            if (t != null) {
                t.accept(error);
            }
        }
    }
}
