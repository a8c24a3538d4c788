package io.millrace.flink.sink;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaFuture;

/** Waits for the admin client's answers on the calling thread; stateless. */
final class AdminAnswers {

    private AdminAnswers() {}

    /**
     * The value of {@code future}, within the admin client's {@code default.api.timeout.ms}.
     *
     * @throws IOException naming {@code what}, with the broker's error as its cause
     */
    static <T> T await(KafkaFuture<T> future, String what) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw new IOException("Failed " + what, e.getCause());
        }
    }
}
