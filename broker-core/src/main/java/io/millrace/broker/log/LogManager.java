package io.millrace.broker.log;

import io.millrace.broker.common.Clock;
import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;

/**
 * API SKELETON — being implemented by the storage work; signatures are the contract.
 */
public final class LogManager implements AutoCloseable {

    public LogManager(LogManagerConfig config, Clock clock, FileChannelFactory channels) {
    }

    public void startup(Function<String, Optional<LogConfig>> configForTopic) throws IOException {
        throw new UnsupportedOperationException();
    }

    public Collection<PartitionLog> logs() {
        throw new UnsupportedOperationException();
    }

    public Optional<PartitionLog> log(String topic, int partition) {
        throw new UnsupportedOperationException();
    }

    public PartitionLog createLog(String topic, int partition, LogConfig config) throws IOException {
        throw new UnsupportedOperationException();
    }

    public void deleteLog(String topic, int partition) throws IOException {
        throw new UnsupportedOperationException();
    }

    public void setDurableListener(DurableListener listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
