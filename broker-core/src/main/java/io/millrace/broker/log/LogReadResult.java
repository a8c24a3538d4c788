package io.millrace.broker.log;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * What a fetch read from one partition.
 *
 * @param error                NONE, OFFSET_OUT_OF_RANGE or KAFKA_STORAGE_ERROR
 * @param records              the bytes to send (never null; size 0 when nothing is available)
 * @param highWatermark        the durable offset: read_uncommitted consumers see offsets below it
 * @param lastStableOffset     read_committed consumers see offsets below it
 * @param logStartOffset       the first offset still in the log
 * @param logEndOffset         the next offset to be assigned
 * @param abortedTransactions  for a read_committed read, the aborted transactions overlapping the
 *                             records (consumers drop their records); null for read_uncommitted
 */
public record LogReadResult(
        Errors error,
        FileSlice records,
        long highWatermark,
        long lastStableOffset,
        long logStartOffset,
        long logEndOffset,
        List<AbortedTxn> abortedTransactions) {}
