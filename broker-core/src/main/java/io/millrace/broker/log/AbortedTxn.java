package io.millrace.broker.log;

/**
 * An aborted transaction of one producer on one partition, as the aborted-transaction index
 * ({@link TxnIndex}) records it and read_committed fetches return it.
 *
 * @param producerId       the producer whose transaction was aborted
 * @param firstOffset      offset of the transaction's first record on this partition
 * @param lastOffset       offset of the abort marker (the transaction's last offset)
 * @param lastStableOffset the partition's last stable offset right after the abort: the first offset
 *                         of the oldest transaction still open then, else {@code lastOffset + 1};
 *                         lets a search stop once no earlier transaction can still be open
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}
