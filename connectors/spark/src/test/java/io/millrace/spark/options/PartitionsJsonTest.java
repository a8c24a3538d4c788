package io.millrace.spark.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionsJsonTest {

    @Test
    void offsetsAreWrittenAsSparksKafkaSourceWritesThemTopicsAndPartitionsSorted() {
        String json = PartitionsJson.write(Map.of(
                new TopicPartition("b", 0), 7L,
                new TopicPartition("a", 10), 3L,
                new TopicPartition("a", 2), -2L));

        assertThat(json).isEqualTo("{\"a\":{\"2\":-2,\"10\":3},\"b\":{\"0\":7}}");
        assertThat(PartitionsJson.offsets(json))
                .containsOnly(
                        Map.entry(new TopicPartition("b", 0), 7L),
                        Map.entry(new TopicPartition("a", 10), 3L),
                        Map.entry(new TopicPartition("a", 2), -2L));
    }

    @Test
    void partitionsAreReadFromTheAssignOptionsJson() {
        assertThat(PartitionsJson.partitions("{\"t\":[0,2],\"s:u\":[1]}"))
                .containsExactlyInAnyOrder(
                        new TopicPartition("t", 0), new TopicPartition("t", 2), new TopicPartition("s:u", 1));
    }

    @Test
    void malformedOffsetsFailWithAnExample() {
        assertThatThrownBy(() -> PartitionsJson.offsets("{\"t\":[1]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected e.g. {\"topicA\":{\"0\":23,\"1\":-1},\"topicB\":{\"0\":-2}}, got {\"t\":[1]}");
    }
}
