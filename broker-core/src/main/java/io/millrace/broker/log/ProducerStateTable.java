package io.millrace.broker.log;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.protocol.Errors;

/**
 * Producer state of one partition: for each producer id its epoch, the metadata of its last
 * {@value #CACHED_BATCHES} batches (first/last sequence, first/last offset, max timestamp), when it
 * last wrote (broker time), the coordinator epoch of its last transaction marker and the first
 * offset of its open transaction; plus the partition's unstable transactions, from which the last
 * stable offset follows.
 *
 * <p>Idempotence rules, as Kafka's producer state manager applies them to a batch from a client:
 * <ol>
 *   <li>same epoch and the same sequence range as a cached batch: a duplicate (a retry whose
 *       first attempt was stored); nothing is written and the original offsets are returned;</li>
 *   <li>epoch below the current one: {@code INVALID_PRODUCER_EPOCH} (fenced);</li>
 *   <li>epoch above the current one: the first sequence must be 0, unless no epoch is known;</li>
 *   <li>same epoch: the first sequence must follow the last one (wrapping after
 *       {@link Integer#MAX_VALUE}); an unknown producer may start anywhere.</li>
 * </ol>
 * Transaction rules: a transactional batch starts the producer's transaction on this partition
 * unless one is open; starting one needs the {@link VerificationGuard} handed out by
 * {@link #startVerification} (the coordinator confirmed the partition is part of the
 * transaction), else {@code INVALID_TXN_STATE}. A non-transactional batch while a transaction is
 * open is refused with {@code INVALID_TXN_STATE}. A transaction marker from the coordinator
 * ({@link #completeTxn}) closes the open transaction, adopts a newer epoch (fencing older
 * instances) and forgets the guard; a marker with an older epoch or coordinator epoch is refused.
 *
 * <p>Unstable transactions: open ones, and finished ones whose marker is not durable yet (the
 * outcome is not visible before the marker is); {@link #firstUnstableOffset()} is the smallest
 * first offset among them. A new epoch forgets the cached batches. Entries are dropped only by
 * {@link #expire} (never while a transaction is open), never when retention deletes the segments
 * that hold a producer's batches. Persisted by {@link ProducerStateSnapshot} (guards and the
 * finished-but-not-durable set are not: after a restart everything present is durable).
 *
 * <p>Not thread-safe: guarded by the owning partition's lock.
 */
final class ProducerStateTable {

    static final int CACHED_BATCHES = 5;
    static final short NO_EPOCH = -1;
    static final int NO_COORDINATOR_EPOCH = -1;
    static final long NO_TXN = -1L;

    private final Map<Long, Entry> producers = new HashMap<>();
    /** Open transactions: first offset to producer id. */
    private final TreeMap<Long, Long> ongoing = new TreeMap<>();
    /** Finished transactions whose marker is not durable yet: first offset to marker offset. */
    private final TreeMap<Long, Long> undurable = new TreeMap<>();

    private final Map<Long, VerificationGuard> guards = new HashMap<>();

    /** Producers tracked. */
    int size() {
        return producers.size();
    }

    Map<Long, Entry> entries() {
        return producers;
    }

    /**
     * Checks a client data batch against the producer's state.
     *
     * @param guard what the produce path got from {@link #startVerification} for a transactional
     *              batch (or {@link VerificationGuard#DISABLED}); ignored for other batches
     * @return null when the batch may be appended; otherwise an {@link AppendResult}: a duplicate
     *         (NONE, original offsets, {@code duplicate=true}) or a failure naming the rule broken
     */
    AppendResult check(
            long producerId,
            short epoch,
            int firstSeq,
            int lastSeq,
            boolean transactional,
            VerificationGuard guard,
            String topicPartition,
            long logStartOffset,
            boolean logAppendTime) {
        Entry entry = producers.get(producerId);
        AppendResult sequence = checkSequence(
                entry, producerId, epoch, firstSeq, lastSeq, topicPartition, logStartOffset, logAppendTime);
        if (sequence != null) {
            return sequence;
        }
        boolean open = entry != null && entry.currentTxnFirstOffset != NO_TXN;
        if (opensUnverified(entry, producerId, transactional, guard)) {
            return AppendResult.failed(
                    Errors.INVALID_TXN_STATE,
                    "Transactional batch from producer " + producerId
                            + " (epoch " + epoch + ") would start a transaction on " + topicPartition
                            + " that the transaction"
                            + " coordinator has not confirmed: the partition was not added to the transaction"
                            + " (AddPartitionsToTxn), or the transaction ended meanwhile",
                    logStartOffset);
        }
        if (!transactional && open) {
            return AppendResult.failed(
                    Errors.INVALID_TXN_STATE,
                    "Producer " + producerId + " wrote a"
                            + " non-transactional batch to " + topicPartition
                            + " while its transaction starting at offset "
                            + entry.currentTxnFirstOffset + " is open",
                    logStartOffset);
        }
        return null;
    }

    /**
     * Checks a coordinator's data batch with a producer id (offsets committed within a transaction):
     * no sequence rules, but a fenced epoch is refused, and so is a transactional batch that would
     * open a transaction without the verification guard (unless {@code guard} is DISABLED).
     */
    AppendResult checkCoordinatorWrite(
            long producerId,
            short epoch,
            boolean transactional,
            VerificationGuard guard,
            String topicPartition,
            long logStartOffset) {
        Entry entry = producers.get(producerId);
        if (entry != null && epoch < entry.epoch) {
            return fenced(entry, producerId, epoch, topicPartition, logStartOffset, "");
        }
        if (opensUnverified(entry, producerId, transactional, guard)) {
            return AppendResult.failed(
                    Errors.INVALID_TXN_STATE,
                    "Transactional write of producer " + producerId
                            + " to " + topicPartition
                            + " is not confirmed by the transaction coordinator, or its transaction"
                            + " ended meanwhile",
                    logStartOffset);
        }
        return null;
    }

    /** Whether a transactional batch would open a transaction without the coordinator's confirmation. */
    private boolean opensUnverified(Entry entry, long producerId, boolean transactional, VerificationGuard guard) {
        boolean open = entry != null && entry.currentTxnFirstOffset != NO_TXN;
        return transactional
                && !open
                && guard != VerificationGuard.DISABLED
                && (guard == VerificationGuard.NONE || guards.get(producerId) != guard);
    }

    /** The idempotence rules; null when the sequence is acceptable. */
    private static AppendResult checkSequence(
            Entry entry,
            long producerId,
            short epoch,
            int firstSeq,
            int lastSeq,
            String topicPartition,
            long logStartOffset,
            boolean logAppendTime) {
        if (entry == null) {
            return null;
        }
        if (epoch == entry.epoch) {
            int dup = entry.find(firstSeq, lastSeq);
            if (dup >= 0) {
                return new AppendResult(
                        Errors.NONE,
                        null,
                        entry.firstOffset[dup],
                        entry.lastOffset[dup],
                        logAppendTime ? entry.maxTimestamp[dup] : -1L,
                        logStartOffset,
                        true,
                        List.of());
            }
        }
        if (epoch < entry.epoch) {
            return fenced(
                    entry,
                    producerId,
                    epoch,
                    topicPartition,
                    logStartOffset,
                    ": a newer instance of this producer has taken over");
        }
        if (epoch > entry.epoch) {
            if (firstSeq != 0 && entry.epoch != NO_EPOCH) {
                return AppendResult.failed(
                        Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                        "Producer " + producerId
                                + " started epoch " + epoch + " on " + topicPartition + " with sequence " + firstSeq
                                + "; a new epoch must start at sequence 0 (current epoch " + entry.epoch + ")",
                        logStartOffset);
            }
            return null;
        }
        // After only a marker at this epoch there is no sequence yet: the next batch starts at 0.
        int currentLastSeq = entry.lastSequence();
        if (!inSequence(currentLastSeq, firstSeq)) {
            return AppendResult.failed(
                    Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "Out of order sequence number from"
                            + " producer " + producerId + " (epoch " + epoch + ") on " + topicPartition + ": got "
                            + firstSeq
                            + ", expected " + (currentLastSeq == Integer.MAX_VALUE ? 0 : currentLastSeq + 1),
                    logStartOffset);
        }
        return null;
    }

    /** INVALID_PRODUCER_EPOCH for a write with an epoch older than the producer's; {@code why} ends the message. */
    private static AppendResult fenced(
            Entry entry, long producerId, short epoch, String topicPartition, long logStartOffset, String why) {
        return AppendResult.failed(
                Errors.INVALID_PRODUCER_EPOCH,
                "Producer " + producerId + " wrote to " + topicPartition + " with epoch " + epoch
                        + ", older than its current epoch " + entry.epoch + why + " (fenced)",
                logStartOffset);
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    /** Records an appended data batch; a transactional one opens the producer's transaction if none is. */
    void update(
            long producerId,
            short epoch,
            int firstSeq,
            int lastSeq,
            long firstOffset,
            long lastOffset,
            long maxTimestamp,
            long nowMs,
            boolean transactional) {
        Entry entry = entryFor(producerId, epoch);
        entry.add(firstSeq, lastSeq, firstOffset, lastOffset, maxTimestamp);
        entry.lastUpdateMs = nowMs;
        entry.lastTimestamp = maxTimestamp;
        if (transactional && entry.currentTxnFirstOffset == NO_TXN) {
            entry.currentTxnFirstOffset = firstOffset;
            ongoing.put(firstOffset, producerId);
            guards.remove(producerId);
        }
    }

    /** The producer's entry at {@code epoch}; a new epoch forgets the cached batches. */
    private Entry entryFor(long producerId, short epoch) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            entry = new Entry(epoch);
            producers.put(producerId, entry);
        } else if (entry.epoch != epoch) {
            entry.epoch = epoch;
            entry.count = 0;
            entry.head = 0;
        }
        return entry;
    }

    /**
     * Checks a transaction marker from the coordinator: null when it may be appended, else the
     * failure (an older epoch: INVALID_PRODUCER_EPOCH; an older coordinator epoch:
     * TRANSACTION_COORDINATOR_FENCED).
     */
    AppendResult checkMarker(
            long producerId, short epoch, int coordinatorEpoch, String topicPartition, long logStartOffset) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            return null;
        }
        if (epoch < entry.epoch) {
            return AppendResult.failed(
                    Errors.INVALID_PRODUCER_EPOCH,
                    "Transaction marker for producer " + producerId + " on " + topicPartition + " has epoch " + epoch
                            + ", older than the producer's epoch " + entry.epoch,
                    logStartOffset);
        }
        if (coordinatorEpoch < entry.coordinatorEpoch) {
            return AppendResult.failed(
                    Errors.TRANSACTION_COORDINATOR_FENCED,
                    "Transaction marker for producer "
                            + producerId + " on " + topicPartition + " has coordinator epoch " + coordinatorEpoch
                            + ", older than "
                            + entry.coordinatorEpoch + " of the last marker",
                    logStartOffset);
        }
        return null;
    }

    /**
     * Records an appended transaction marker (also when replaying). Returns the aborted transaction
     * to add to the index when it aborts an open one, else null.
     */
    AbortedTxn completeTxn(
            long producerId,
            short epoch,
            int coordinatorEpoch,
            boolean commit,
            long markerOffset,
            long timestamp,
            long nowMs) {
        Entry entry = entryFor(producerId, epoch);
        entry.coordinatorEpoch = coordinatorEpoch;
        entry.lastTimestamp = timestamp;
        entry.lastUpdateMs = nowMs;
        guards.remove(producerId);
        long first = entry.currentTxnFirstOffset;
        if (first == NO_TXN) {
            return null;
        }
        entry.currentTxnFirstOffset = NO_TXN;
        ongoing.remove(first);
        undurable.put(first, markerOffset);
        if (commit) {
            return null;
        }
        long lastStable = ongoing.isEmpty() ? markerOffset + 1 : Math.min(ongoing.firstKey(), markerOffset + 1);
        return new AbortedTxn(producerId, first, markerOffset, lastStable);
    }

    /** Forgets finished transactions whose markers lie below the new durable offset. */
    void onDurable(long durableOffset) {
        undurable.values().removeIf(marker -> marker < durableOffset);
    }

    /** Smallest first offset of an unstable transaction, or {@link Long#MAX_VALUE} when there is none. */
    long firstUnstableOffset() {
        long first = ongoing.isEmpty() ? Long.MAX_VALUE : ongoing.firstKey();
        return undurable.isEmpty() ? first : Math.min(first, undurable.firstKey());
    }

    /**
     * The guard the first transactional batch of the producer's next transaction must carry, or
     * {@link VerificationGuard#DISABLED} when a transaction of the producer is already open here
     * (nothing to verify). Every verification until the transaction opens or a marker ends it
     * shares one guard: a client keeps several Produce requests in flight, and a later request
     * must not void the guard of an earlier one that the coordinator has already confirmed.
     */
    VerificationGuard startVerification(long producerId) {
        Entry entry = producers.get(producerId);
        if (entry != null && entry.currentTxnFirstOffset != NO_TXN) {
            return VerificationGuard.DISABLED;
        }
        return guards.computeIfAbsent(producerId, id -> new VerificationGuard("producer " + id));
    }

    /** Drops producers idle for at least {@code expirationMs}, except those with an open transaction. */
    int expire(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<Map.Entry<Long, Entry>> it = producers.entrySet().iterator(); it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (e.currentTxnFirstOffset == NO_TXN && nowMs - e.lastUpdateMs >= expirationMs) {
                it.remove();
                removed++;
            }
        }
        guards.keySet().removeIf(id -> !producers.containsKey(id));
        return removed;
    }

    Entry get(long producerId) {
        return producers.get(producerId);
    }

    /** Adds a loaded entry (snapshot), registering its open transaction. */
    void put(long producerId, Entry entry) {
        producers.put(producerId, entry);
        if (entry.currentTxnFirstOffset != NO_TXN) {
            ongoing.put(entry.currentTxnFirstOffset, producerId);
        }
    }

    /**
     * One producer: epoch, a ring of its last batches (oldest at {@code head}), last write time,
     * transaction state.
     */
    static final class Entry {
        short epoch;
        long lastUpdateMs;
        /** Max timestamp of its last batch, or the timestamp of its last marker. */
        long lastTimestamp = -1L;

        int coordinatorEpoch = NO_COORDINATOR_EPOCH;
        long currentTxnFirstOffset = NO_TXN;
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

        /** Sequence of the newest cached batch, or -1. */
        int lastSequence() {
            return count == 0 ? -1 : lastSeq[newest()];
        }
    }
}
