package io.millrace.flink.source;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink the test can read while the job runs: every element any subtask writes is added to a
 * queue in this JVM (the MiniCluster runs in the test's JVM), by the sink's name. Thread-safe.
 */
final class CollectingSink implements Sink<String> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<String>> RECEIVED = new ConcurrentHashMap<>();

    private final String name;

    private CollectingSink(String name) {
        this.name = name;
    }

    /** A sink with an empty queue of its own. */
    static CollectingSink named(String name) {
        RECEIVED.put(name, new ConcurrentLinkedQueue<>());
        return new CollectingSink(name);
    }

    /** What the sink of this name received so far, in arrival order. */
    static List<String> received(String name) {
        return List.copyOf(RECEIVED.get(name));
    }

    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) {
        Queue<String> queue = RECEIVED.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(String element, Context elementContext) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
