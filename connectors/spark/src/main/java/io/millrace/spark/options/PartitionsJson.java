package io.millrace.spark.options;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The JSON of spark-sql-kafka-0-10's options and checkpoints: partitions as
 * {@code {"topicA":[0,1]}} and a long per partition (offset or timestamp) as
 * {@code {"topicA":{"0":23,"1":-1}}}. Written with topics and partitions sorted. Thread-safe.
 */
public final class PartitionsJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, List<Integer>>> PARTITIONS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Map<Integer, Long>>> LONG_PER_PARTITION = new TypeReference<>() {};

    private PartitionsJson() {}

    /** Reads {@code {"topicA":[0,1],"topicB":[0,1]}}. */
    public static List<TopicPartition> partitions(String json) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            MAPPER.readValue(json, PARTITIONS)
                    .forEach((topic, numbers) ->
                            numbers.forEach(number -> partitions.add(new TopicPartition(topic, number))));
            return partitions;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("Expected e.g. {\"topicA\":[0,1],\"topicB\":[0,1]}, got " + json, e);
        }
    }

    /** Reads an offset per partition, e.g. {@code {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}}. */
    public static Map<TopicPartition, Long> offsets(String json) {
        return longPerPartition(
                json, "Expected e.g. {\"topicA\":{\"0\":23,\"1\":-1},\"topicB\":{\"0\":-2}}, got " + json);
    }

    /** Reads a timestamp per partition, e.g. {@code {"topicA":{"0":1700000000000}}}. */
    public static Map<TopicPartition, Long> timestamps(String json) {
        return longPerPartition(
                json,
                "Expected e.g. {\"topicA\": {\"0\": 123456789, \"1\": 123456789},\n"
                        + "\"topicB\": {\"0\": 123456789, \"1\": 123456789}}, got " + json);
    }

    /** Writes an offset per partition, topics and partitions sorted. */
    public static String write(Map<TopicPartition, Long> offsets) {
        Map<String, Map<Integer, Long>> byTopic = new TreeMap<>();
        offsets.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition)))
                .forEach(e -> byTopic.computeIfAbsent(e.getKey().topic(), t -> new LinkedHashMap<>())
                        .put(e.getKey().partition(), e.getValue()));
        try {
            return MAPPER.writeValueAsString(byTopic);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write offsets " + offsets, e);
        }
    }

    private static Map<TopicPartition, Long> longPerPartition(String json, String expected) {
        try {
            Map<TopicPartition, Long> values = new LinkedHashMap<>();
            MAPPER.readValue(json, LONG_PER_PARTITION)
                    .forEach((topic, perPartition) -> perPartition.forEach(
                            (partition, value) -> values.put(new TopicPartition(topic, partition), value)));
            return values;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException(expected, e);
        }
    }
}
