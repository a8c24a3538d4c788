package io.millrace.flink.sink;

import io.millrace.flink.sink.MillraceRecordSerializationSchema.MillraceSinkContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * The {@link MillraceSinkContext} of one writer. Partitions are looked up (DescribeTopics) the first
 * time a topic is asked for and remembered for the writer's life, with an admin client made on that
 * first lookup. Not thread-safe: the writer's task thread uses it.
 */
final class WriterSinkContext implements MillraceSinkContext, AutoCloseable {

    private final int subtask;
    private final int parallelism;
    private final Properties producerConfig;
    private final Map<String, int[]> partitions = new HashMap<>();
    private Admin admin;

    WriterSinkContext(int subtask, int parallelism, Properties producerConfig) {
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.producerConfig = producerConfig;
    }

    @Override
    public int getParallelInstanceId() {
        return subtask;
    }

    @Override
    public int getNumberOfParallelInstances() {
        return parallelism;
    }

    @Override
    public int[] getPartitionsForTopic(String topic) {
        return partitions.computeIfAbsent(topic, this::lookUp).clone();
    }

    private int[] lookUp(String topic) {
        if (admin == null) {
            admin = SinkClients.admin(producerConfig);
        }
        try {
            TopicDescription description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return description.partitions().stream()
                    .mapToInt(p -> p.partition())
                    .sorted()
                    .toArray();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRuntimeException("Interrupted while looking up the partitions of " + topic, e);
        } catch (ExecutionException e) {
            throw new FlinkRuntimeException("Cannot look up the partitions of " + topic, e.getCause());
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }
}
