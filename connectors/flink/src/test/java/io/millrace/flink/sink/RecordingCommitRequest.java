package io.millrace.flink.sink;

import org.apache.flink.api.connector.sink2.Committer.CommitRequest;

/** A commit request that remembers how the committer ended it; for one test thread. */
final class RecordingCommitRequest implements CommitRequest<MillraceCommittable> {

    /** How a request ended; {@code COMMITTED} unless the committer said otherwise. */
    enum Result {
        COMMITTED,
        FAILED_KNOWN,
        FAILED_UNKNOWN,
        RETRY,
        ALREADY_COMMITTED
    }

    private final MillraceCommittable committable;
    private Result result = Result.COMMITTED;
    private Throwable failure;

    RecordingCommitRequest(MillraceCommittable committable) {
        this.committable = committable;
    }

    Result result() {
        return result;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public MillraceCommittable getCommittable() {
        return committable;
    }

    @Override
    public int getNumberOfRetries() {
        return 0;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
        result = Result.FAILED_KNOWN;
        failure = t;
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
        result = Result.FAILED_UNKNOWN;
        failure = t;
    }

    @Override
    public void retryLater() {
        result = Result.RETRY;
    }

    @Override
    public void updateAndRetryLater(MillraceCommittable updated) {
        result = Result.RETRY;
    }

    @Override
    public void signalAlreadyCommitted() {
        result = Result.ALREADY_COMMITTED;
    }
}
