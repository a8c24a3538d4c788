package io.millrace.broker.server.handlers;

import io.millrace.broker.server.RequestContext;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Keeps the transactional appends of one producer to one partition in the order their Produce
 * requests arrived while some of them wait for KIP-890 verification.
 *
 * <p>Why: a client keeps several Produce requests in flight and the broker handles them as they
 * come, without waiting for earlier answers. The first requests of a transaction on a partition
 * wait for the coordinator; once one of them is appended the transaction is open and a newer
 * request needs no verification. Appended at once, it would overtake an older request still
 * waiting, and the partition would refuse one of them as OUT_OF_ORDER_SEQUENCE_NUMBER. Kafka never
 * meets this because it handles one request per connection at a time.
 *
 * <p>Each waiting request holds a {@link Turn} in its producer's queue on the partition. A turn
 * becomes ready with the action to run (the append, or the refusal verification ended in); the
 * ready turns at the head run in order, each on its own connection's event loop. A request that
 * needs no verification takes a turn only while the queue is not empty. Thread-safe: one lock
 * guards changes to the queues, and actions run under it so that no two appends of a queue
 * interleave; {@link #isWaiting}, asked for every batch of an open transaction, takes no lock.
 */
final class TransactionalAppendOrder {

    /** Changed under this object's lock only; read without it by {@link #isWaiting}. */
    private final Map<Key, ArrayDeque<Turn>> queues = new ConcurrentHashMap<>();

    /** Whether earlier requests of {@code producerId} to {@code partition} still wait their turn. */
    boolean isWaiting(TopicPartition partition, long producerId) {
        return queues.containsKey(new Key(partition, producerId));
    }

    /** A turn behind every request of {@code producerId} to {@code partition} that still waits. */
    synchronized Turn join(TopicPartition partition, long producerId, RequestContext context) {
        Key key = new Key(partition, producerId);
        Turn turn = new Turn(key, context);
        queues.computeIfAbsent(key, k -> new ArrayDeque<>()).add(turn);
        return turn;
    }

    /**
     * {@code turn} is ready to run {@code action}; it runs (now, on the caller's event loop, or
     * later) once every earlier turn has run.
     */
    void ready(Turn turn, Runnable action) {
        synchronized (this) {
            turn.action = action;
        }
        runReadyTurns(turn.key);
    }

    private synchronized void runReadyTurns(Key key) {
        ArrayDeque<Turn> queue = queues.get(key);
        while (queue != null && !queue.isEmpty()) {
            Turn head = queue.peek();
            if (head.action == null) {
                return;
            }
            if (!head.context.eventLoop().inEventLoop()) {
                // the request of another connection: its response state lives on that loop
                head.context.execute(() -> runReadyTurns(key));
                return;
            }
            queue.poll();
            head.action.run();
        }
        queues.remove(key);
    }

    private record Key(TopicPartition partition, long producerId) {}

    /** A request's place in its queue. */
    static final class Turn {
        private final Key key;
        private final RequestContext context;
        private Runnable action;

        private Turn(Key key, RequestContext context) {
            this.key = key;
            this.context = context;
        }
    }
}
