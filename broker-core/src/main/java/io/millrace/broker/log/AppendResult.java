package io.millrace.broker.log;

import org.apache.kafka.common.protocol.Errors;

/**
 * Outcome of appending one record batch.
 *
 * @param error           {@link Errors#NONE} when stored (or recognised as a duplicate)
 * @param errorMessage    operator-readable detail when {@code error} is not NONE, else null
 * @param baseOffset      offset assigned to the batch's first record (the original one for a duplicate); -1 on error
 * @param lastOffset      offset of the batch's last record; -1 on error
 * @param logAppendTime   the broker time stamped on the batch under LogAppendTime, else -1
 * @param logStartOffset  the log start offset after the append
 * @param duplicate       true when the batch repeated an already stored idempotent batch and nothing was written
 */
public record AppendResult(
        Errors error,
        String errorMessage,
        long baseOffset,
        long lastOffset,
        long logAppendTime,
        long logStartOffset,
        boolean duplicate) {

    public static AppendResult failed(Errors error, String message, long logStartOffset) {
        return new AppendResult(error, message, -1L, -1L, -1L, logStartOffset, false);
    }

    public boolean succeeded() {
        return error == Errors.NONE;
    }
}
