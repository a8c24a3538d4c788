package io.millrace.broker;

import io.millrace.broker.log.LogConfig;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What starting the broker's services shares: the compacted internal topic each coordinator keeps
 * its state in, and the daemon threads blocking work runs on. Stateless.
 */
final class CoordinatorSupport {

    private CoordinatorSupport() {}

    /**
     * Creates a coordinator's internal state topic unless it exists. Compaction, not time, bounds
     * it: the state of live groups and transactional ids never ages out.
     */
    static TopicState stateTopic(TopicManager topics, String name, int partitions, int segmentBytes) {
        return topics.createInternalTopic(
                name,
                partitions,
                Map.of(
                        LogConfig.CLEANUP_POLICY,
                        "compact",
                        LogConfig.SEGMENT_BYTES,
                        String.valueOf(segmentBytes),
                        LogConfig.RETENTION_MS,
                        "-1"));
    }

    /** One daemon thread called {@code name}, running tasks in order. */
    static ExecutorService daemonThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
