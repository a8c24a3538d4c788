package io.millrace.broker.log;

/**
 * One producer as a partition tracks it (DescribeProducers).
 *
 * @param producerId            the producer id
 * @param epoch                 its current epoch
 * @param lastSequence          sequence of its last batch, -1 when only a marker is known
 * @param lastTimestamp         max timestamp of its last batch or its last marker's time, -1 when unknown
 * @param coordinatorEpoch      coordinator epoch of its last transaction marker, -1 when none
 * @param currentTxnStartOffset first offset of its open transaction here, -1 when none is open
 */
public record ProducerView(
        long producerId,
        short epoch,
        int lastSequence,
        long lastTimestamp,
        int coordinatorEpoch,
        long currentTxnStartOffset) {}
