package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.flink.sink.MillraceRecordSerializationSchema.MillraceSinkContext;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.api.common.InvalidProgramException;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class MillraceSinkBuilderTest {

    @Test
    void buildsWithTheKafkaSinkDefaults() {
        MillraceSink<String> sink = valid().build();

        assertThat(sink.getDeliveryGuarantee()).isEqualTo(DeliveryGuarantee.NONE);
    }

    @Test
    void bootstrapServersAreRequired() {
        assertThatThrownBy(() -> MillraceSink.<String>builder()
                        .setRecordSerializer(serializer())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bootstrap.servers")
                .hasMessageContaining("setBootstrapServers");
    }

    @Test
    void aRecordSerializerIsRequired() {
        assertThatThrownBy(() -> MillraceSink.<String>builder()
                        .setBootstrapServers("localhost:9092")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setRecordSerializer");
    }

    @Test
    void exactlyOnceNeedsATransactionalIdPrefix() {
        assertThatThrownBy(() -> valid().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EXACTLY_ONCE")
                .hasMessageContaining("setTransactionalIdPrefix");
        assertThatThrownBy(() -> valid().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(" ")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setTransactionalIdPrefix");
    }

    @Test
    void theTransactionTimeoutMustBeAPositiveNumberAndItsErrorMentionsCheckpointing() {
        assertThatThrownBy(() -> exactlyOnce()
                        .setProperty("transaction.timeout.ms", "soon")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transaction.timeout.ms")
                .hasMessageContaining("checkpoint interval");
        assertThatThrownBy(() ->
                        exactlyOnce().setProperty("transaction.timeout.ms", "0").build())
                .hasMessageContaining("transaction.timeout.ms");
        assertThatThrownBy(() -> exactlyOnce()
                        .setProperty("transaction.timeout.ms", "9999999999")
                        .build())
                .hasMessageContaining("transaction.timeout.ms");
    }

    @Test
    void exactlyOnceRefusesSettingsTransactionsCannotWorkWith() {
        assertThatThrownBy(() ->
                        exactlyOnce().setProperty("enable.idempotence", "false").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("enable.idempotence");
        assertThatThrownBy(() -> exactlyOnce().setProperty("acks", "1").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("acks");
        assertThat(exactlyOnce().setProperty("acks", "-1").build()).isNotNull();
        assertThat(valid().setProperty("acks", "1").build())
                .as("at most once, any acks will do")
                .isNotNull();
    }

    @Test
    void theSinkNamesItsTransactionsItself() {
        assertThatThrownBy(() ->
                        exactlyOnce().setProperty("transactional.id", "mine").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transactional.id")
                .hasMessageContaining("setTransactionalIdPrefix");
    }

    @Test
    void recordsAreSerializedByTheRecordSerializerOnly() {
        Properties props = new Properties();
        props.put("value.serializer", StringSerializer.class);

        assertThatThrownBy(() -> valid().setKafkaProducerConfig(props).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("value.serializer")
                .hasMessageContaining("setRecordSerializer");
    }

    @Test
    void producerConfigValuesOfAnyTypeAreKept() {
        Properties props = new Properties();
        props.put("linger.ms", 5);
        props.put("key.serializer", ByteArraySerializer.class);

        assertThat(exactlyOnce().setKafkaProducerConfig(props).build()).isNotNull();
    }

    @Test
    void aSerializerThatCannotBeShippedToTheClusterIsRefusedAtOnce() {
        MillraceRecordSerializationSchema<String> unshippable = new MillraceRecordSerializationSchema<>() {
            private final Object notSerializable = new Object();

            @Override
            public ProducerRecord<byte[], byte[]> serialize(
                    String element, MillraceSinkContext context, Long timestamp) {
                return new ProducerRecord<>("out", notSerializable.toString().getBytes(StandardCharsets.UTF_8));
            }
        };

        assertThatThrownBy(() -> valid().setRecordSerializer(unshippable))
                .isInstanceOf(InvalidProgramException.class)
                .hasMessageContaining("not serializable");
    }

    private static MillraceSinkBuilder<String> valid() {
        return MillraceSink.<String>builder()
                .setBootstrapServers("localhost:9092")
                .setRecordSerializer(serializer());
    }

    private static MillraceSinkBuilder<String> exactlyOnce() {
        return valid().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix("job");
    }

    private static MillraceRecordSerializationSchema<String> serializer() {
        return MillraceRecordSerializationSchema.builder()
                .setTopic("out")
                .setValueSerializationSchema(new SimpleStringSchema())
                .build();
    }
}
