package io.millrace.broker.log;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceResponse.RecordError;

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
 * @param recordErrors    the records that made the batch be refused, by their index in the batch (KIP-467);
 *                        empty unless a per-record check failed
 */
public record AppendResult(
        Errors error,
        String errorMessage,
        long baseOffset,
        long lastOffset,
        long logAppendTime,
        long logStartOffset,
        boolean duplicate,
        List<RecordError> recordErrors) {

    public static AppendResult failed(Errors error, String message, long logStartOffset) {
        return rejectedRecords(error, message, List.of(), logStartOffset);
    }

    /** A batch refused because of the records in {@code recordErrors}; {@code message} sums them up. */
    public static AppendResult rejectedRecords(
            Errors error, String message, List<RecordError> recordErrors, long logStartOffset) {
        return new AppendResult(error, message, -1L, -1L, -1L, logStartOffset, false, recordErrors);
    }

    public boolean succeeded() {
        return error == Errors.NONE;
    }
}
