package io.millrace.broker.log;

import org.apache.kafka.common.protocol.Errors;

/**
 * What a fetch read from one partition.
 *
 * @param error          NONE, OFFSET_OUT_OF_RANGE or KAFKA_STORAGE_ERROR
 * @param records        the bytes to send (never null; size 0 when nothing is available)
 * @param highWatermark  the durable offset: consumers see offsets below it
 * @param logStartOffset the first offset still in the log
 * @param logEndOffset   the next offset to be assigned
 */
public record LogReadResult(Errors error, FileSlice records, long highWatermark, long logStartOffset,
                            long logEndOffset) {
}
