package io.millrace.spark.source.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitialOffsetLogTest {

    @Test
    void theFirstOffsetsWrittenHoldInTheFileFormatOfSparksKafkaSource(@TempDir Path source) throws Exception {
        InitialOffsetLog log = new InitialOffsetLog(source.toString(), new Configuration());
        PartitionOffsets first = new PartitionOffsets(Map.of(new TopicPartition("t", 0), 5L));

        assertThat(log.read()).isEmpty();
        assertThat(log.writeOnce(first).json()).isEqualTo(first.json());
        PartitionOffsets second = new PartitionOffsets(Map.of(new TopicPartition("t", 0), 9L));
        assertThat(log.writeOnce(second).json()).isEqualTo(first.json());

        assertThat(Files.readString(source.resolve("0"), StandardCharsets.UTF_8))
                .isEqualTo("\0v1\n{\"t\":{\"0\":5}}");
        assertThat(new InitialOffsetLog(source.toString(), new Configuration()).read())
                .get()
                .extracting(PartitionOffsets::json)
                .isEqualTo(first.json());
    }
}
