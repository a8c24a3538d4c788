package io.millrace.flink.formats.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.flink.formats.avro.generated.Payment;
import io.millrace.flink.sink.MillraceRecordSerializationSchema;
import io.millrace.flink.sink.MillraceSink;
import io.millrace.flink.source.MillraceSource;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import io.millrace.schema.client.CachedSchemaRegistryClient;
import io.millrace.schema.client.SchemaMetadata;
import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.serde.WireFormat;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry Avro DataStream schemas against a real broker with its schema registry, on a Flink
 * MiniCluster: records written by {@code MillraceSink} and read back by {@code MillraceSource},
 * generic and specific, across compatible schema versions in both directions, and bad records.
 */
class MillraceAvroFormatIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    static final Schema CUSTOMER_V1 = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"}]}");
    static final Schema CUSTOMER_V2 = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @RegisterExtension
    static final MiniClusterExtension flink = new MiniClusterExtension();

    @Test
    void genericRecordsRoundTripAndTheSchemaIsRegisteredUnderTheSubject() throws Exception {
        String topic = "customers";
        List<GenericRecord> customers = List.of(customerV1(1, "ada"), customerV1(2, "grace"), customerV1(3, "edsger"));

        writeGeneric(topic, CUSTOMER_V1, customers);
        List<String> read = read(topic, MillraceAvroDeserializationSchema.forGeneric(CUSTOMER_V1, url()));

        assertThat(read)
                .containsExactlyElementsOf(
                        customers.stream().map(Object::toString).toList());
        SchemaMetadata registered = registry().getLatestSchemaMetadata(topic + "-value");
        assertThat(new Schema.Parser().parse(registered.schema())).isEqualTo(CUSTOMER_V1);
        assertThat(WireFormat.schemaId(firstValue(topic)))
                .as("every record names the registered id")
                .isEqualTo(registered.id());
    }

    @Test
    void specificRecordsRoundTrip() throws Exception {
        String topic = "payments";
        List<Payment> payments = List.of(new Payment(1L, "ada"), new Payment(2L, "grace"));

        write(
                topic,
                MillraceAvroSerializationSchema.forSpecific(Payment.class, topic + "-value", url()),
                payments,
                TypeInformation.of(Payment.class));
        List<String> read = read(topic, MillraceAvroDeserializationSchema.forSpecific(Payment.class, url()));

        assertThat(read).containsExactly("1:ada", "2:grace");
        assertThat(registry().getAllSubjects()).contains(topic + "-value");
    }

    @Test
    void recordsOfAnOlderSchemaReadWithANewerReaderGetTheAddedFieldsDefault() throws Exception {
        String topic = "customers-forward";
        writeGeneric(topic, CUSTOMER_V1, List.of(customerV1(1, "ada")));
        writeGeneric(topic, CUSTOMER_V2, List.of(customerV2(2, "grace", "grace@example.com")));

        List<String> read = read(topic, MillraceAvroDeserializationSchema.forGeneric(CUSTOMER_V2, url()));

        assertThat(read)
                .containsExactly(
                        "{\"id\": 1, \"name\": \"ada\", \"email\": null}",
                        "{\"id\": 2, \"name\": \"grace\", \"email\": \"grace@example.com\"}");
        assertThat(registry().getLatestSchemaMetadata(topic + "-value").version())
                .isEqualTo(2);
    }

    @Test
    void recordsOfANewerSchemaReadWithAnOlderReaderLoseTheAddedField() throws Exception {
        String topic = "customers-backward";
        writeGeneric(topic, CUSTOMER_V2, List.of(customerV2(7, "barbara", "barbara@example.com")));

        List<String> read = read(topic, MillraceAvroDeserializationSchema.forGeneric(CUSTOMER_V1, url()));

        assertThat(read).containsExactly("{\"id\": 7, \"name\": \"barbara\"}");
    }

    @Test
    void aRecordNotInTheWireFormatFailsTheJobNamingItsOffset() {
        String topic = "not-avro";
        Clients.sendText(broker.bootstrap(), topic, "plain text");

        assertThatThrownBy(() -> read(topic, MillraceAvroDeserializationSchema.forGeneric(CUSTOMER_V1, url())))
                .hasStackTraceContaining("offset 0 of " + topic)
                .hasStackTraceContaining("Unknown magic byte");
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaFailsOnOpenNamingTheSubject() {
        MillraceAvroSerializationSchema<GenericRecord> writer = MillraceAvroSerializationSchema.forGeneric(
                "unregistered-value", CUSTOMER_V1, url(), Map.of("auto.register.schemas", "false"));

        assertThatThrownBy(() -> writer.open(null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not registered under subject 'unregistered-value'");
    }

    @Test
    void anIdTheRegistryDoesNotKnowFailsNamingTheId() {
        RegistryAvroDecoder<GenericRecord> decoder =
                new RegistryAvroDecoder<>(CUSTOMER_V1, null, RegistrySettings.of(url(), Map.of()));
        decoder.open();

        assertThatThrownBy(() -> decoder.decode(new byte[] {0, 0, 0, 0x30, 0x39, 2}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Schema id 12345")
                .hasMessageContaining(url());
    }

    private static GenericRecord customerV1(long id, String name) {
        GenericRecord customer = new GenericData.Record(CUSTOMER_V1);
        customer.put("id", id);
        customer.put("name", name);
        return customer;
    }

    static GenericRecord customerV2(long id, String name, String email) {
        GenericRecord customer = new GenericData.Record(CUSTOMER_V2);
        customer.put("id", id);
        customer.put("name", name);
        customer.put("email", email);
        return customer;
    }

    private static String url() {
        return broker.registryUrl();
    }

    private static SchemaRegistryClient registry() {
        return new CachedSchemaRegistryClient(List.of(url()), 100);
    }

    /** Writes GenericRecords of {@code schema} under the subject {@code <topic>-value}. */
    private static void writeGeneric(String topic, Schema schema, List<GenericRecord> records) throws Exception {
        write(
                topic,
                MillraceAvroSerializationSchema.forGeneric(topic + "-value", schema, url()),
                records,
                new GenericRecordAvroTypeInfo(schema));
    }

    /** A bounded job writing {@code elements} in order to {@code topic} through MillraceSink. */
    private static <T> void write(
            String topic, SerializationSchema<T> valueSchema, List<T> elements, TypeInformation<T> type)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(elements, type)
                .sinkTo(MillraceSink.<T>builder()
                        .setBootstrapServers(broker.bootstrap())
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .setRecordSerializer(MillraceRecordSerializationSchema.<T>builder()
                                .setTopic(topic)
                                .setValueSerializationSchema(valueSchema)
                                .build())
                        .build());
        env.execute("write " + topic);
    }

    /** Reads {@code topic} to its current end through MillraceSource; each value as text. */
    private static <T> List<String> read(String topic, DeserializationSchema<T> valueSchema) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        MillraceSource<T> source = MillraceSource.<T>builder()
                .setBootstrapServers(broker.bootstrap())
                .setTopics(topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(valueSchema)
                .build();
        try (CloseableIterator<String> results = env.fromSource(source, WatermarkStrategy.noWatermarks(), topic)
                .map(MillraceAvroFormatIT::text)
                .returns(Types.STRING)
                .executeAndCollect("read " + topic)) {
            return CompletableFuture.supplyAsync(() -> {
                        List<String> all = new ArrayList<>();
                        results.forEachRemaining(all::add);
                        return all;
                    })
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** A value as text: a Payment as id:payer, a GenericRecord as its JSON. */
    private static String text(Object value) {
        return value instanceof Payment payment ? payment.getId() + ":" + payment.getPayer() : value.toString();
    }

    private static byte[] firstValue(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            return Clients.awaitRecord(consumer, partition, "the first record of " + topic, DEADLINE)
                    .value();
        }
    }
}
