package io.millrace.flink.source.enumerator;

import java.util.concurrent.ExecutionException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.common.KafkaFuture;

/** Waits for the admin client's answers on the enumerator's worker thread; stateless. */
@Internal
public final class AdminCalls {

    private AdminCalls() {}

    /**
     * The value of {@code future}; a failure becomes an unchecked exception naming {@code what}.
     * The admin client's {@code default.api.timeout.ms} bounds the wait.
     */
    public static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRuntimeException("Interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw new FlinkRuntimeException("Failed " + what, e.getCause());
        }
    }
}
