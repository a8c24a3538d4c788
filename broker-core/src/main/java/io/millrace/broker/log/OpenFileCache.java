package io.millrace.broker.log;

import java.util.Arrays;

/**
 * A bounded set of open resources (file descriptors of segment files, or index mappings), shared
 * by all partitions of a {@link LogManager}: when more than {@link #capacity()} are registered,
 * the least recently used ones are released, approximately, with the CLOCK (second-chance)
 * algorithm. An entry sets its own "used" mark on every use, without a lock or allocation; the
 * sweep clears marks as it passes and releases the first idle entry it finds unmarked, so an
 * entry used since the last sweep survives one more round.
 *
 * <p>An entry that cannot be released now (unsynced writes, a zero-copy send in progress) is
 * skipped and stays registered: the cache may exceed its capacity by such entries and catches up
 * on a later sweep, once they are clean. A released entry reopens its resource on next use and
 * registers again.
 *
 * <p>Thread-safety: the ring of entries is guarded by this object's monitor; under it the cache
 * calls only an entry's lock-free methods ({@link Entry#takeUsed}, {@link Entry#releasable},
 * {@link Entry#slot}). Entries are released after the sweep that chose them, outside the monitor;
 * a release must not wait for a lock (it may only try one), because {@link #trim} and
 * {@link #shrink} run while their caller may hold an entry's lock.
 */
final class OpenFileCache {

    /** A resource the cache may release. Implementations keep the two fields the cache uses. */
    interface Entry {

        /** Whether the entry was used since the last call; clears the mark. */
        boolean takeUsed();

        /** A lock-free, advisory check: whether {@link #release()} would release the resource now. */
        boolean releasable();

        /**
         * Releases the resource (closes the descriptor, drops the mapping), unless it must be kept
         * after all, in which case the entry registers itself again with {@link #add}. Called
         * after the entry was removed from the cache, without the cache's monitor held; must not
         * wait for a lock.
         */
        void release();

        /** Position in the cache's ring, -1 when not registered (guarded by the cache's monitor). */
        int slot();

        void slot(int slot);
    }

    private final String what;
    private final int capacity;
    private Entry[] ring;
    /** Written under the monitor; read without it by {@link #trim()}'s quick check. */
    private volatile int size;

    private int hand;

    /**
     * @param what     what the entries hold, plural, for messages ("open segment files")
     * @param capacity how many entries the cache keeps before it releases idle ones
     */
    OpenFileCache(String what, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.what = what;
        this.capacity = capacity;
        this.ring = new Entry[Math.min(capacity, 1024)];
    }

    int capacity() {
        return capacity;
    }

    /** Entries registered now (resources held, apart from releases in progress). */
    int size() {
        return size;
    }

    /** Registers an entry that now holds its resource; a no-op when it is registered already. */
    synchronized void add(Entry entry) {
        if (entry.slot() >= 0) {
            return;
        }
        int n = size;
        if (n == ring.length) {
            ring = Arrays.copyOf(ring, n * 2);
        }
        ring[n] = entry;
        entry.slot(n);
        size = n + 1;
    }

    /** Unregisters an entry whose resource was closed by its owner. */
    synchronized void remove(Entry entry) {
        int slot = entry.slot();
        if (slot >= 0) {
            removeAt(slot);
        }
    }

    /** Releases idle entries until at most {@link #capacity()} are registered (or none is idle). */
    void trim() {
        if (size <= capacity) {
            return;
        }
        Entry[] victims;
        synchronized (this) {
            victims = sweep(size - capacity, true);
        }
        release(victims);
    }

    /**
     * Releases up to {@code count} idle entries whether used recently or not (the process ran out
     * of descriptors or mappings); returns how many were chosen.
     */
    int shrink(int count) {
        Entry[] victims;
        synchronized (this) {
            victims = sweep(count, false);
        }
        release(victims);
        return victims.length;
    }

    private Entry[] sweep(int wanted, boolean secondChance) {
        if (wanted <= 0 || size == 0) {
            return new Entry[0];
        }
        Entry[] victims = new Entry[Math.min(wanted, size)];
        int found = 0;
        // Two passes at most: the first may only clear marks.
        for (int steps = 2 * size; found < victims.length && steps > 0 && size > 0; steps--) {
            if (hand >= size) {
                hand = 0;
            }
            Entry e = ring[hand];
            boolean used = e.takeUsed();
            if ((used && secondChance) || !e.releasable()) {
                hand++;
            } else {
                removeAt(hand);
                victims[found++] = e;
            }
        }
        return found == victims.length ? victims : Arrays.copyOf(victims, found);
    }

    private static void release(Entry[] victims) {
        for (Entry e : victims) {
            e.release();
        }
    }

    /** Moves the last entry into the gap, so removal is O(1) (the sweep does not advance past it). */
    private void removeAt(int slot) {
        Entry removed = ring[slot];
        int last = size - 1;
        Entry moved = ring[last];
        ring[last] = null;
        size = last;
        if (slot != last) {
            ring[slot] = moved;
            moved.slot(slot);
        }
        removed.slot(-1);
    }

    @Override
    public synchronized String toString() {
        return "OpenFileCache(" + size + " of " + capacity + " " + what + ")";
    }
}
