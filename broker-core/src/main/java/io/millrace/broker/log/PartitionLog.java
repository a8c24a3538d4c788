package io.millrace.broker.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * API SKELETON — being implemented by the storage work; signatures are the contract.
 */
public final class PartitionLog {

    public String topic() {
        throw new UnsupportedOperationException();
    }

    public int partition() {
        throw new UnsupportedOperationException();
    }

    public Path dir() {
        throw new UnsupportedOperationException();
    }

    public LogConfig config() {
        throw new UnsupportedOperationException();
    }

    public void updateConfig(LogConfig config) {
        throw new UnsupportedOperationException();
    }

    public AppendResult append(ByteBuffer batch, int leaderEpoch, AppendOrigin origin) {
        throw new UnsupportedOperationException();
    }

    public void whenDurable(long offsetExclusive, DurabilityCallback callback) {
        throw new UnsupportedOperationException();
    }

    public LogReadResult read(long fetchOffset, int maxBytes, boolean minOneBatch) {
        throw new UnsupportedOperationException();
    }

    public long logStartOffset() {
        throw new UnsupportedOperationException();
    }

    public long logEndOffset() {
        throw new UnsupportedOperationException();
    }

    public long durableOffset() {
        throw new UnsupportedOperationException();
    }

    public long sizeInBytes() {
        throw new UnsupportedOperationException();
    }

    public int numberOfSegments() {
        throw new UnsupportedOperationException();
    }

    public boolean isOffline() {
        throw new UnsupportedOperationException();
    }

    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) {
        throw new UnsupportedOperationException();
    }

    public Optional<TimestampOffset> maxTimestampOffset() {
        throw new UnsupportedOperationException();
    }

    public long deleteRecordsBefore(long offset) {
        throw new UnsupportedOperationException();
    }

    public int applyRetention() {
        throw new UnsupportedOperationException();
    }
}
