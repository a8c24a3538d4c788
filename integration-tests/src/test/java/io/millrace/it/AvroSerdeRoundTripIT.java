package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.it.avro.Currency;
import io.millrace.it.avro.Payment;
import io.millrace.schema.serde.KafkaAvroDeserializer;
import io.millrace.schema.serde.KafkaAvroSerdeConfig;
import io.millrace.schema.serde.KafkaAvroSerializer;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Avro serializer and deserializer through a real broker with kafka-clients: generic and
 * specific records round-trip, the bytes on the wire are Confluent's format (magic 0, big-endian
 * id, plain Avro binary), and an unknown schema id fails naming the id.
 */
class AvroSerdeRoundTripIT {

    private static final Schema ORDER = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Order\","
                    + "\"namespace\":\"shop\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                    + "{\"name\":\"item\",\"type\":\"string\"},{\"name\":\"qty\",\"type\":\"int\",\"default\":1}]}");

    @RegisterExtension
    @Order(1)
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegistryInTestJvm registry = new RegistryInTestJvm(broker, Map.of());

    @Test
    void genericRecordsRoundTripInConfluentsWireFormat() throws Exception {
        String topic = "orders-generic";
        GenericRecord order = order(42L, "kettle", 3);
        produce(topic, Map.of(), order);

        int id = new RegistryHttp(registry.url())
                .get("/subjects/" + topic + "-value/versions/latest")
                .id();
        byte[] raw = consumeRaw(topic);
        assertThat(raw[0]).as("magic byte").isEqualTo((byte) 0);
        assertThat(Arrays.copyOfRange(raw, 1, 5))
                .as("big-endian schema id")
                .isEqualTo(ByteBuffer.allocate(4).putInt(id).array());
        GenericRecord plain = new GenericDatumReader<GenericRecord>(ORDER)
                .read(null, DecoderFactory.get().binaryDecoder(raw, 5, raw.length - 5, null));
        assertThat(plain).as("the payload is plain Avro binary").isEqualTo(order);

        Object read = consume(topic, Map.of()).get(0);
        assertThat(read).isInstanceOf(GenericRecord.class).isEqualTo(order);
    }

    @Test
    void specificRecordsRoundTripIntoTheGeneratedClass() throws Exception {
        String topic = "payments-specific";
        Payment payment = Payment.newBuilder()
                .setId("p-1")
                .setAmountCents(1999L)
                .setCurrency(Currency.EUR)
                .setNote("first")
                .build();
        produce(topic, Map.of(), payment);

        Object specific = consume(topic, Map.of(KafkaAvroSerdeConfig.SPECIFIC_AVRO_READER, "true"))
                .get(0);
        assertThat(specific).isInstanceOf(Payment.class).isEqualTo(payment);
        Object generic = consume(topic, Map.of()).get(0);
        assertThat(generic).isInstanceOf(GenericRecord.class);
        assertThat(((GenericRecord) generic).get("amountCents")).isEqualTo(1999L);
    }

    @Test
    void subjectStrategiesLookupAndLatestVersionFollowConfluentsSettings() throws Exception {
        String topic = "orders-strategies";
        GenericRecord order = order(7L, "lamp", 1);
        Map<String, Object> lookupOnly = Map.of(
                KafkaAvroSerdeConfig.AUTO_REGISTER_SCHEMAS,
                "false",
                KafkaAvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy");
        assertThatThrownBy(() -> serializer(lookupOnly).serialize(topic, order))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("shop.Order");
        int id = new RegistryHttp(registry.url()).register("shop.Order", ORDER.toString());
        byte[] bytes = serializer(lookupOnly).serialize(topic, order);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);

        Map<String, Object> topicRecord = Map.of(
                KafkaAvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "io.millrace.schema.serde.TopicRecordNameStrategy");
        serializer(topicRecord).serialize(topic, order);
        assertThat(new RegistryHttp(registry.url())
                        .get("/subjects/" + topic + "-shop.Order/versions/1")
                        .status())
                .isEqualTo(200);

        Map<String, Object> latest = Map.of(
                KafkaAvroSerdeConfig.USE_LATEST_VERSION,
                "true",
                KafkaAvroSerdeConfig.AUTO_REGISTER_SCHEMAS,
                "false",
                KafkaAvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "RecordNameStrategy");
        assertThat(ByteBuffer.wrap(serializer(latest).serialize(topic, order), 1, 4)
                        .getInt())
                .isEqualTo(id);
    }

    @Test
    void aRecordWithAnUnknownSchemaIdFailsNamingTheId() throws Exception {
        String topic = "unknown-id";
        byte[] framed = {0, 0, 0, 0x30, 0x39, 2, 4};
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "k", framed)).get(60, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, Object> consumer = consumer(Map.of())) {
            assignFromStart(consumer, topic);
            Throwable failure = Await.value(
                    "the deserialization failure",
                    Duration.ofSeconds(30),
                    () -> {
                        try {
                            consumer.poll(Duration.ofMillis(200));
                            return null;
                        } catch (RecordDeserializationException e) {
                            return e;
                        }
                    },
                    e -> e != null);
            assertThat(failure.getCause())
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("schema for id 12345")
                    .hasMessageContaining("40403");
        }
    }

    private static GenericRecord order(long id, String item, int qty) {
        GenericRecord order = new GenericData.Record(ORDER);
        order.put("id", id);
        order.put("item", item);
        order.put("qty", qty);
        return order;
    }

    /** Assigns partition 0 of {@code topic} and seeks to its start; returns that partition. */
    private static TopicPartition assignFromStart(KafkaConsumer<?, ?> consumer, String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        return tp;
    }

    private static KafkaAvroSerializer serializer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(config, false);
        return serializer;
    }

    private static void produce(String topic, Map<String, Object> serdeConfig, Object value) throws Exception {
        Map<String, Object> props = new HashMap<>(serdeConfig);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, 0, "key", value)).get(60, TimeUnit.SECONDS);
        }
    }

    private static KafkaConsumer<String, Object> consumer(Map<String, Object> serdeConfig) {
        Map<String, Object> props = new HashMap<>(serdeConfig);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, KafkaAvroDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static List<Object> consume(String topic, Map<String, Object> serdeConfig) {
        try (KafkaConsumer<String, Object> consumer = consumer(serdeConfig)) {
            assignFromStart(consumer, topic);
            List<Object> values = new ArrayList<>();
            Await.until("a record of " + topic, Duration.ofSeconds(30), () -> {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return !values.isEmpty();
            });
            return values;
        }
    }

    private static byte[] consumeRaw(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap())) {
            TopicPartition tp = assignFromStart(consumer, topic);
            return Clients.awaitRecord(consumer, tp, "a raw record of " + topic, Duration.ofSeconds(30))
                    .value();
        }
    }
}
