package io.millrace.spark.source.reader;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumers of one executor JVM kept between tasks, by consumer group and partition (each
 * query has a group of its own), so the task reading a partition's next micro-batch reuses the
 * connection and the records already fetched. A consumer is lent to one task at a time; a task
 * that fails discards it. At most {@code capacity} idle consumers are kept, the least recently
 * used closed first. Thread-safe.
 */
final class ConsumerPool {

    /** What a pooled consumer is for. */
    record Key(String groupId, TopicPartition partition) {}

    private static final int CAPACITY = 64;
    private static final ConsumerPool SHARED = new ConsumerPool(CAPACITY);

    private final int capacity;
    /** Idle consumers, least recently returned first. */
    private final Deque<PooledConsumer> idle = new ArrayDeque<>();

    ConsumerPool(int capacity) {
        this.capacity = capacity;
    }

    /** The pool of this JVM. */
    static ConsumerPool shared() {
        return SHARED;
    }

    /** An idle consumer for the group and partition, or a new one. */
    PooledConsumer acquire(String groupId, TopicPartition partition, Map<String, String> params) {
        Key key = new Key(groupId, partition);
        synchronized (this) {
            for (Iterator<PooledConsumer> it = idle.descendingIterator(); it.hasNext(); ) {
                PooledConsumer consumer = it.next();
                if (consumer.key().equals(key)) {
                    it.remove();
                    return consumer;
                }
            }
        }
        return new PooledConsumer(key, params);
    }

    /** Takes back a consumer whose task succeeded. */
    void release(PooledConsumer consumer) {
        PooledConsumer evicted = null;
        synchronized (this) {
            idle.addLast(consumer);
            if (idle.size() > capacity) {
                evicted = idle.removeFirst();
            }
        }
        if (evicted != null) {
            evicted.close();
        }
    }

    /** Closes a consumer whose task failed: its state is unknown. */
    void discard(PooledConsumer consumer) {
        consumer.close();
    }
}
