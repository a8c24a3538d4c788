package io.millrace.flink.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.flink.source.enumerator.initializer.OffsetResetStrategy;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class MillraceSourceBuilderTest {

    private static MillraceSourceBuilder<String> valid() {
        return MillraceSource.<String>builder()
                .setBootstrapServers("127.0.0.1:9092")
                .setTopics("orders")
                .setValueOnlyDeserializer(new SimpleStringSchema());
    }

    @Test
    void defaultsAreThoseOfKafkaSourcePlusReadCommitted() {
        MillraceSource<String> source = valid().setGroupId("g").build();
        Properties properties = source.properties();

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(properties)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("allow.auto.create.topics", "false")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("client.id.prefix", "g")
                .containsEntry("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
                .doesNotContainKey("partition.discovery.interval.ms")
                .doesNotContainKey("commit.offsets.on.checkpoint");
    }

    @Test
    void boundedSourcesDoNotDiscoverAndSourcesWithoutGroupDoNotCommit() {
        Properties properties =
                valid().setBounded(OffsetsInitializer.latest()).build().properties();

        assertThat(properties)
                .containsEntry("partition.discovery.interval.ms", "-1")
                .containsEntry("commit.offsets.on.checkpoint", "false");
        assertThat(properties.getProperty("client.id.prefix")).startsWith("MillraceSource-");
    }

    @Test
    void theResetStrategyFollowsTheStartingOffsets() {
        Properties properties = valid().setGroupId("g")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST))
                .build()
                .properties();

        assertThat(properties).containsEntry("auto.offset.reset", "latest");
    }

    @Test
    void userSettingsWinOverDefaults() {
        Properties properties = valid().setProperty("isolation.level", "read_uncommitted")
                .setClientIdPrefix("mine")
                .setProperty("partition.discovery.interval.ms", "1000")
                .build()
                .properties();

        assertThat(properties)
                .containsEntry("isolation.level", "read_uncommitted")
                .containsEntry("client.id.prefix", "mine")
                .containsEntry("partition.discovery.interval.ms", "1000");
    }

    @Test
    void namesTheMissingSetting() {
        assertThatThrownBy(() -> MillraceSource.<String>builder()
                        .setTopics("t")
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build())
                .hasMessageContaining("bootstrap.servers")
                .hasMessageContaining("setBootstrapServers");
        assertThatThrownBy(() -> MillraceSource.<String>builder()
                        .setBootstrapServers("b:1")
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build())
                .hasMessageContaining("setTopics, setTopicPattern, setPartitions or setStreams");
        assertThatThrownBy(() -> MillraceSource.<String>builder()
                        .setBootstrapServers("b:1")
                        .setTopics("t")
                        .build())
                .hasMessageContaining("setDeserializer or setValueOnlyDeserializer");
    }

    @Test
    void namesTheWrongProperty() {
        assertThatThrownBy(() -> valid().setProperty("partition.discovery.interval.ms", "soon")
                        .build())
                .hasMessageContaining("partition.discovery.interval.ms");
        assertThatThrownBy(() -> valid().setProperty("commit.offsets.on.checkpoint", "yes")
                        .build())
                .hasMessageContaining("commit.offsets.on.checkpoint");
        assertThatThrownBy(() ->
                        valid().setProperty("register.consumer.metrics", "1").build())
                .hasMessageContaining("register.consumer.metrics");
        assertThatThrownBy(() -> valid().setProperty("isolation.level", "dirty").build())
                .hasMessageContaining("isolation.level");
        assertThatThrownBy(() -> valid().setProperty("value.deserializer", StringDeserializer.class.getName())
                        .build())
                .hasMessageContaining("value.deserializer");
    }

    @Test
    void committingNeedsAGroup() {
        assertThatThrownBy(() -> valid().setProperty("commit.offsets.on.checkpoint", "true")
                        .build())
                .hasMessageContaining("group.id");
        assertThatThrownBy(
                        () -> valid().setProperty("enable.auto.commit", "true").build())
                .hasMessageContaining("group.id");
        assertThatThrownBy(() -> valid().setStartingOffsets(OffsetsInitializer.committedOffsets())
                        .build())
                .hasMessageContaining("group.id");
    }

    @Test
    void oneWayToSayWhatToRead() {
        assertThatThrownBy(() -> valid().setTopicPattern(Pattern.compile("o.*")))
                .hasMessageContaining("topic pattern")
                .hasMessageContaining("topics [orders]");
        assertThatThrownBy(() -> valid().setStreams("payments")).hasMessageContaining("streams");
        assertThatThrownBy(() -> valid().setPartitions(Set.of(new TopicPartition("t", 0))))
                .hasMessageContaining("partitions");
    }

    @Test
    void streamNamesFollowTheBrokersRule() {
        assertThatThrownBy(() -> MillraceSource.<String>builder().setStreams("pay:ments"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setStreams")
                .hasMessageContaining("':'");
        assertThatThrownBy(() -> MillraceSource.<String>builder().setStreams(".."))
                .hasMessageContaining("setStreams");
        assertThatThrownBy(() -> MillraceSource.<String>builder().setStreams(""))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> MillraceSource.<String>builder().setStreams("x".repeat(248)))
                .hasMessageContaining("249");
        assertThat(MillraceSource.<String>builder()
                        .setBootstrapServers("b:1")
                        .setStreams("payments", "audit.v2_x-y")
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build())
                .isNotNull();
    }
}
