package io.millrace.broker.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The transactions a cleaning pass walks through, in offset order (Kafka's
 * CleanedTransactionMetadata): which batches belong to aborted transactions (their records go,
 * and they never enter the offset map), and when a transaction marker may go.
 *
 * <ul>
 *   <li>A transactional data batch is aborted when an aborted transaction of its producer
 *       ({@link #addAborted}, from the aborted-transaction indexes) starts at or before it and its
 *       abort marker has not been passed yet.</li>
 *   <li>An abort marker may go once a pass found none of its transaction's data; while data was
 *       still there (and is dropped by this pass) the marker stays, and its index entry is written
 *       to the cleaned segment's index ({@link #writeKeptEntriesTo}), for the pass after.</li>
 *   <li>A commit marker may go once a pass found none of its transaction's data before it.</li>
 *   <li>An empty control batch (its record already cleaned away) may go.</li>
 * </ul>
 * "May go" is then held back by the delete horizon ({@link CompactionFilter}). One instance per
 * cleaning pass (or offset-map build); not thread-safe.
 */
final class CleanedTxns {

    /** An aborted transaction the walk is inside of. */
    private static final class Open {
        final AbortedTxn txn;
        boolean dataSeen;

        Open(AbortedTxn txn) {
            this.txn = txn;
        }
    }

    private final PriorityQueue<AbortedTxn> upcoming =
            new PriorityQueue<>(Comparator.comparingLong(AbortedTxn::firstOffset));
    private final Set<Long> known = new HashSet<>();
    private final Map<Long, Open> openAborted = new HashMap<>();
    private final Set<Long> openCommitted = new HashSet<>();
    private TxnIndex keptEntries;

    /** Adds aborted transactions from the indexes (each counted once, however often it is added). */
    void addAborted(List<AbortedTxn> aborted) {
        for (AbortedTxn txn : aborted) {
            if (known.add(txn.firstOffset())) {
                upcoming.add(txn);
            }
        }
    }

    /** Where entries of abort markers that stay are written (the cleaned segment's index); null: nowhere. */
    void writeKeptEntriesTo(TxnIndex index) {
        this.keptEntries = index;
    }

    /** A data batch was reached; true when it belongs to an aborted transaction (its records go). */
    boolean onDataBatch(RecordBatch batch) {
        enter(batch.lastOffset());
        if (!batch.isTransactional()) {
            return false;
        }
        Open open = openAborted.get(batch.producerId());
        if (open != null) {
            open.dataSeen = true;
            return true;
        }
        openCommitted.add(batch.producerId());
        return false;
    }

    /** A control batch was reached; true when it may be removed. */
    boolean onControlBatch(RecordBatch batch) {
        enter(batch.lastOffset());
        Iterator<Record> records = batch.iterator();
        if (!records.hasNext()) {
            return true;
        }
        ControlRecordType type = ControlRecordType.parse(records.next().key());
        long producerId = batch.producerId();
        if (type == ControlRecordType.ABORT) {
            Open open = openAborted.remove(producerId);
            if (open != null && open.dataSeen) {
                if (keptEntries != null) {
                    try {
                        keptEntries.append(open.txn);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return false;
            }
            return true;
        }
        if (type == ControlRecordType.COMMIT) {
            return !openCommitted.remove(producerId);
        }
        return false;
    }

    /** Opens every aborted transaction starting at or before {@code offset}. */
    private void enter(long offset) {
        while (!upcoming.isEmpty() && upcoming.peek().firstOffset() <= offset) {
            AbortedTxn txn = upcoming.poll();
            openAborted.putIfAbsent(txn.producerId(), new Open(txn));
        }
    }
}
