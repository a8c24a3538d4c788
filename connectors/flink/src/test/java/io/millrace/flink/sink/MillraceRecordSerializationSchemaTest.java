package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.flink.sink.MillraceRecordSerializationSchema.MillraceSinkContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.testutils.formats.DummyInitializationContext;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class MillraceRecordSerializationSchemaTest {

    /** Writer 3 of 4; every topic has partitions 0 to 4. */
    private static final MillraceSinkContext CONTEXT = new MillraceSinkContext() {
        @Override
        public int getParallelInstanceId() {
            return 3;
        }

        @Override
        public int getNumberOfParallelInstances() {
            return 4;
        }

        @Override
        public int[] getPartitionsForTopic(String topic) {
            return new int[] {0, 1, 2, 3, 4};
        }
    };

    @Test
    void aValueOnlySchemaWritesTheValueAndTimestampToItsTopicAndLeavesThePartitionToTheProducer() throws Exception {
        MillraceRecordSerializationSchema<String> schema = MillraceRecordSerializationSchema.builder()
                .setTopic("payments:checked")
                .setValueSerializationSchema(new SimpleStringSchema())
                .build();

        ProducerRecord<byte[], byte[]> record = open(schema).serialize("v1", CONTEXT, 1234L);

        assertThat(record.topic()).isEqualTo("payments:checked");
        assertThat(record.partition()).isNull();
        assertThat(record.key()).isNull();
        assertThat(text(record.value())).isEqualTo("v1");
        assertThat(record.timestamp()).isEqualTo(1234L);
        assertThat(record.headers().toArray()).isEmpty();
        assertThat(open(schema).serialize("v2", CONTEXT, null).timestamp()).isNull();
    }

    @Test
    void keysTopicsPartitionsAndHeadersComeFromTheirSettings() throws Exception {
        MillraceRecordSerializationSchema<String> schema = MillraceRecordSerializationSchema.<String>builder()
                .setTopicSelector(element -> "topic-" + element.length())
                .setKeySerializationSchema(element -> element.substring(0, 1).getBytes(StandardCharsets.UTF_8))
                .setValueSerializationSchema(new SimpleStringSchema())
                .setPartitioner(new FixedPartitioner<>())
                .setHeaderProvider(element -> new RecordHeaders().add("len", new byte[] {(byte) element.length()}))
                .build();

        ProducerRecord<byte[], byte[]> record = open(schema).serialize("abc", CONTEXT, null);

        assertThat(record.topic()).isEqualTo("topic-3");
        assertThat(text(record.key())).isEqualTo("a");
        assertThat(text(record.value())).isEqualTo("abc");
        assertThat(record.partition()).as("writer 3 of 4, fixed").isEqualTo(3);
        assertThat(record.headers().lastHeader("len").value()).containsExactly(3);
    }

    @Test
    void kafkaSerializersAreMadeOnOpen() throws Exception {
        MillraceRecordSerializationSchema<Integer> schema = MillraceRecordSerializationSchema.builder()
                .setTopic("numbers")
                .setKafkaValueSerializer(IntegerSerializer.class)
                .build();

        ProducerRecord<byte[], byte[]> record = open(schema).serialize(258, CONTEXT, null);

        assertThat(record.value()).containsExactly(0, 0, 1, 2);
        assertThat(record.key()).as("no key setting, no key").isNull();
    }

    @Test
    void aKafkaKeySerializerGetsItsConfigurationAsAKeySerializer() throws Exception {
        MillraceRecordSerializationSchema<String> schema = MillraceRecordSerializationSchema.<String>builder()
                .setTopic("t")
                .setKafkaKeySerializer(StringSerializer.class, Map.of("key.serializer.encoding", "UTF-16BE"))
                .setValueSerializationSchema(new SimpleStringSchema())
                .build();

        ProducerRecord<byte[], byte[]> record = open(schema).serialize("A", CONTEXT, null);

        assertThat(record.key()).containsExactly(0, 'A');
    }

    @Test
    void theFixedPartitionerSpreadsWritersOverPartitions() {
        FixedPartitioner<String> partitioner = new FixedPartitioner<>();
        partitioner.open(7, 8);

        assertThat(partitioner.partition("x", null, new byte[0], "t", new int[] {0, 1, 2}))
                .isEqualTo(1);
        assertThatThrownBy(() -> new FixedPartitioner<String>().partition("x", null, null, "t", new int[] {0}))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void missingOrRepeatedSettingsAreNamed() {
        assertThatThrownBy(() -> MillraceRecordSerializationSchema.<String>builder()
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setTopic");
        assertThatThrownBy(() -> MillraceRecordSerializationSchema.builder()
                        .setTopic("t")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setValueSerializationSchema");
        assertThatThrownBy(() -> MillraceRecordSerializationSchema.builder()
                        .setTopic("t")
                        .setTopicSelector(e -> "u"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MillraceRecordSerializationSchema.<String>builder()
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .setKafkaValueSerializer(StringSerializer.class))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MillraceRecordSerializationSchema.builder().setTopic(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTopicSelectorChoosingNoTopicFailsNamingTheElement() throws Exception {
        MillraceRecordSerializationSchema<String> schema = MillraceRecordSerializationSchema.<String>builder()
                .setTopicSelector(element -> "")
                .setValueSerializationSchema(new SimpleStringSchema())
                .build();

        assertThatThrownBy(() -> open(schema).serialize("lost", CONTEXT, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lost");
    }

    /** A copy of {@code schema} as a writer gets it (serialized and deserialized), opened. */
    private static <T> MillraceRecordSerializationSchema<T> open(MillraceRecordSerializationSchema<T> schema)
            throws Exception {
        MillraceRecordSerializationSchema<T> copy =
                InstantiationUtil.clone(schema, MillraceRecordSerializationSchemaTest.class.getClassLoader());
        copy.open(new DummyInitializationContext(), CONTEXT);
        return copy;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
