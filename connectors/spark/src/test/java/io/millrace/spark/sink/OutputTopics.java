package io.millrace.spark.sink;

import io.millrace.testing.Clients;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What a sink left in its output topic, as {@code read_committed} readers see it. */
final class OutputTopics {

    private OutputTopics() {}

    /** The values (UTF-8) a {@code read_committed} reader reads from every partition of the topic. */
    static List<String> committedValues(String bootstrap, String topic) {
        List<String> values = new ArrayList<>();
        Clients.readToEnd(
                bootstrap,
                partitions(bootstrap, topic),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                record -> values.add(new String(record.value(), StandardCharsets.UTF_8)));
        return values;
    }

    /**
     * The partitions whose last stable offset is behind their end offset: an open transaction holds
     * their {@code read_committed} readers back. Empty when nothing is left open.
     */
    static Map<TopicPartition, String> blockedPartitions(String bootstrap, String topic) {
        List<TopicPartition> partitions = partitions(bootstrap, topic);
        Map<TopicPartition, Long> stable = endOffsets(bootstrap, partitions, "read_committed");
        Map<TopicPartition, Long> end = endOffsets(bootstrap, partitions, "read_uncommitted");
        Map<TopicPartition, String> blocked = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (!stable.get(partition).equals(end.get(partition))) {
                blocked.put(partition, "LSO " + stable.get(partition) + " < LEO " + end.get(partition));
            }
        }
        return blocked;
    }

    private static Map<TopicPartition, Long> endOffsets(
            String bootstrap, List<TopicPartition> partitions, String isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                Clients.consumer(bootstrap, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            return consumer.endOffsets(partitions);
        }
    }

    static List<TopicPartition> partitions(String bootstrap, String topic) {
        try (Admin admin = Clients.admin(bootstrap)) {
            return Clients.await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
        }
    }
}
