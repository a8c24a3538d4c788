package io.millrace.broker.log;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * Idempotent-producer state of one partition: for each producer id its epoch, the metadata of
 * its last {@value #CACHED_BATCHES} batches (first/last sequence, first/last offset, max
 * timestamp) and when it last wrote (broker time).
 *
 * <p>Rules, as Kafka's producer state manager applies them to a batch from a client:
 * <ol>
 *   <li>same epoch and the same sequence range as a cached batch: a duplicate (a retry whose
 *       first attempt was stored); nothing is written and the original offsets are returned;</li>
 *   <li>epoch below the current one: {@code INVALID_PRODUCER_EPOCH} (fenced);</li>
 *   <li>epoch above the current one: the first sequence must be 0, unless no epoch is known;</li>
 *   <li>same epoch: the first sequence must follow the last one (wrapping after
 *       {@link Integer#MAX_VALUE}); an unknown producer may start anywhere.</li>
 * </ol>
 * A new epoch forgets the cached batches. Entries are dropped only by {@link #expire}, never when
 * retention deletes the segments that hold a producer's batches. Persisted by
 * {@link ProducerStateSnapshot}.
 *
 * <p>Not thread-safe: guarded by the owning partition's lock.
 */
final class ProducerStateTable {

    static final int CACHED_BATCHES = 5;
    static final short NO_EPOCH = -1;

    private final Map<Long, Entry> producers = new HashMap<>();

    /** Producers tracked. */
    int size() {
        return producers.size();
    }

    Map<Long, Entry> entries() {
        return producers;
    }

    /**
     * Checks a client batch against the producer's state.
     *
     * @return null when the batch may be appended; otherwise an {@link AppendResult}: a duplicate
     *         (NONE, original offsets, {@code duplicate=true}) or a failure naming the rule broken
     */
    AppendResult check(long producerId, short epoch, int firstSeq, int lastSeq, String topicPartition,
                       long logStartOffset, boolean logAppendTime) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            return null;
        }
        if (epoch == entry.epoch) {
            int dup = entry.find(firstSeq, lastSeq);
            if (dup >= 0) {
                return new AppendResult(Errors.NONE, null, entry.firstOffset[dup], entry.lastOffset[dup],
                    logAppendTime ? entry.maxTimestamp[dup] : -1L, logStartOffset, true);
            }
        }
        if (epoch < entry.epoch) {
            return AppendResult.failed(Errors.INVALID_PRODUCER_EPOCH, "Producer " + producerId + " wrote to "
                + topicPartition + " with epoch " + epoch + ", older than its current epoch " + entry.epoch
                + ": a newer instance of this producer has taken over (fenced)", logStartOffset);
        }
        if (epoch > entry.epoch) {
            if (firstSeq != 0 && entry.epoch != NO_EPOCH) {
                return AppendResult.failed(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Producer " + producerId
                    + " started epoch " + epoch + " on " + topicPartition + " with sequence " + firstSeq
                    + "; a new epoch must start at sequence 0 (current epoch " + entry.epoch + ")", logStartOffset);
            }
            return null;
        }
        int currentLastSeq = entry.count == 0 ? -1 : entry.lastSeq[entry.newest()];
        if (!inSequence(currentLastSeq, firstSeq)) {
            return AppendResult.failed(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Out of order sequence number from"
                + " producer " + producerId + " (epoch " + epoch + ") on " + topicPartition + ": got " + firstSeq
                + ", expected " + (currentLastSeq == Integer.MAX_VALUE ? 0 : currentLastSeq + 1), logStartOffset);
        }
        return null;
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    /** Records an appended batch (also used when replaying the log after a restart). */
    void update(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                long maxTimestamp, long nowMs) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            entry = new Entry(epoch);
            producers.put(producerId, entry);
        } else if (entry.epoch != epoch) {
            entry.epoch = epoch;
            entry.count = 0;
            entry.head = 0;
        }
        entry.add(firstSeq, lastSeq, firstOffset, lastOffset, maxTimestamp);
        entry.lastUpdateMs = nowMs;
    }

    /** Drops producers idle for at least {@code expirationMs}; returns how many. */
    int expire(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<Entry> it = producers.values().iterator(); it.hasNext(); ) {
            if (nowMs - it.next().lastUpdateMs >= expirationMs) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    Entry get(long producerId) {
        return producers.get(producerId);
    }

    void put(long producerId, Entry entry) {
        producers.put(producerId, entry);
    }

    /** One producer: epoch, a ring of its last batches (oldest at {@code head}), last write time. */
    static final class Entry {
        short epoch;
        long lastUpdateMs;
        int count;
        int head;
        final int[] firstSeq = new int[CACHED_BATCHES];
        final int[] lastSeq = new int[CACHED_BATCHES];
        final long[] firstOffset = new long[CACHED_BATCHES];
        final long[] lastOffset = new long[CACHED_BATCHES];
        final long[] maxTimestamp = new long[CACHED_BATCHES];

        Entry(short epoch) {
            this.epoch = epoch;
        }

        /** Slot of the i-th cached batch, oldest first. */
        int slot(int i) {
            return (head + i) % CACHED_BATCHES;
        }

        int newest() {
            return slot(count - 1);
        }

        int find(int first, int last) {
            for (int i = 0; i < count; i++) {
                int s = slot(i);
                if (firstSeq[s] == first && lastSeq[s] == last) {
                    return s;
                }
            }
            return -1;
        }

        void add(int first, int last, long firstOff, long lastOff, long maxTs) {
            int s;
            if (count < CACHED_BATCHES) {
                s = slot(count);
                count++;
            } else {
                s = head;
                head = (head + 1) % CACHED_BATCHES;
            }
            firstSeq[s] = first;
            lastSeq[s] = last;
            firstOffset[s] = firstOff;
            lastOffset[s] = lastOff;
            maxTimestamp[s] = maxTs;
        }
    }
}
