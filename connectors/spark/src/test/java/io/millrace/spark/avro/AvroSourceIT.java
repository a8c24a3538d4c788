package io.millrace.spark.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.spark.SparkTestSession;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code valueFormat=avro} and {@code keyFormat=avro} of {@code format("millrace")} against a real
 * broker and its schema registry: a topic written with two compatible versions of a schema reads
 * as one struct of the latest (or a pinned) version, in a batch and in a stream; bad options fail
 * naming the option.
 */
class AvroSourceIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    static final Schema CUSTOMER_V1 = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"nickname\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
    /** v1 without {@code nickname}, plus {@code email} with a default. */
    static final Schema CUSTOMER_V2 = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"unknown\"}]}");

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    private static final Map<String, List<Row>> STREAMED = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void aTopicOfTwoSchemaVersionsReadsAsOneStructOfTheLatest() {
        String topic = writeTwoVersions("customers-batch");

        Dataset<Row> customers = read(Map.of("subscribe", topic, "valueFormat", "avro", "keyFormat", "avro"));

        assertThat(customers.schema().apply("value").dataType().catalogString())
                .isEqualTo("struct<id:bigint,name:string,email:string>");
        assertThat(customers.schema().apply("key").dataType().catalogString()).isEqualTo("string");
        assertThat(texts(customers
                        .selectExpr("key", "value.id", "value.name", "value.email", "offset")
                        .collectAsList()))
                .containsExactly(
                        "ada,1,ada,unknown,0",
                        "grace,2,grace,unknown,1",
                        "edsger,3,edsger,e@example.com,2",
                        "null,null,null,null,3");
    }

    @Test
    void aPinnedVersionReadsNewerRecordsAsThatVersion() {
        String topic = writeTwoVersions("customers-pinned");

        Dataset<Row> customers = read(Map.of(
                "assign",
                "{\"" + topic + "\":[0]}",
                "valueFormat",
                "AVRO",
                "valueSubject",
                topic + "-value",
                "valueSchemaVersion",
                "1"));

        assertThat(customers.schema().apply("value").dataType().catalogString())
                .isEqualTo("struct<id:bigint,name:string,nickname:string>");
        assertThat(customers.schema().apply("key").dataType().catalogString()).isEqualTo("binary");
        assertThat(texts(customers.selectExpr("value.*").collectAsList()))
                .containsExactly("1,ada,al", "2,grace,null", "3,edsger,null", "null,null,null");
    }

    @Test
    void aStreamReadsBothVersionsAsTheLatest() throws Exception {
        String topic = writeTwoVersions("customers-stream");
        Path checkpoint = Files.createTempDirectory("avro-stream");
        STREAMED.put(topic, new CopyOnWriteArrayList<>());
        VoidFunction2<Dataset<Row>, Long> collect = (batch, id) ->
                STREAMED.get(topic).addAll(batch.selectExpr("value.*").collectAsList());

        StreamingQuery query = SparkTestSession.get()
                .readStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", "2")
                .option("valueFormat", "avro")
                .option("schema.registry.url", broker.registryUrl())
                .load()
                .writeStream()
                .foreachBatch(collect)
                .trigger(Trigger.AvailableNow())
                .option("checkpointLocation", checkpoint.toString())
                .start();

        assertThat(query.awaitTermination(DEADLINE.toMillis())).isTrue();
        assertThat(texts(STREAMED.get(topic)))
                .containsExactly("1,ada,unknown", "2,grace,unknown", "3,edsger,e@example.com", "null,null,null");
    }

    @Test
    void badOptionsFailNamingTheOption() {
        String topic = writeTwoVersions("customers-bad-options");
        Map<String, String> avro = Map.of("subscribe", topic, "valueFormat", "avro");

        assertThatThrownBy(() -> read(with(avro, "valueFormat", "json")))
                .hasMessageContaining("Invalid value 'json' for option 'valueFormat': expected 'binary' or 'avro'");
        assertThatThrownBy(() -> SparkTestSession.get()
                        .read()
                        .format("millrace")
                        .option("kafka.bootstrap.servers", broker.bootstrap())
                        .options(avro)
                        .load())
                .hasMessageContaining(
                        "Option 'schema.registry.url' (the schema registry's URL) is required with valueFormat=avro");
        assertThatThrownBy(() -> read(Map.of("subscribePattern", "customers-.*", "valueFormat", "avro")))
                .hasMessageContaining("Option 'valueSubject' is required with valueFormat=avro when the source does not"
                        + " read exactly one topic");
        assertThatThrownBy(() -> read(with(avro, "valueSchemaVersion", "newest")))
                .hasMessageContaining("Invalid value 'newest' for option 'valueSchemaVersion'");
        assertThatThrownBy(() -> read(with(avro, "valueSchemaVersion", "7")))
                .hasMessageContaining("has no version 7 of subject '" + topic + "-value' (option 'valueSubject')");
        assertThatThrownBy(() -> read(with(avro, "valueSubject", "nobody-value")))
                .hasMessageContaining("has no version of subject 'nobody-value' (option 'valueSubject')");
        assertThatThrownBy(() -> read(Map.of("subscribe", topic, "keyFormat", "avro", "keySubject", "")))
                .hasMessageContaining("Option 'keySubject' must not be empty");
        assertThatThrownBy(() -> read(with(avro, "schema.registry.basic.auth.credentials.source", "USER_INFO")))
                .hasMessageContaining("Invalid schema registry option (schema.registry.<setting>)")
                .hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> read(Map.of("valueFormat", "avro")))
                .as("Spark's own checks come first")
                .hasMessageContaining("One of the following options must be specified for Kafka source");
    }

    @Test
    void aRecordNotInTheWireFormatFailsTheQueryNamingTheSubject() {
        String topic = writeTwoVersions("customers-not-avro");
        Clients.sendText(broker.bootstrap(), topic, "plain text");

        assertThatThrownBy(() ->
                        read(Map.of("subscribe", topic, "valueFormat", "avro")).collectAsList())
                .hasStackTraceContaining("Cannot decode a message as Avro of subject '" + topic + "-value' version 2")
                .hasStackTraceContaining("Unknown magic byte");
    }

    /**
     * Writes customers 1 and 2 with v1 (keys as Avro strings), 3 with v2, and a record without key
     * and value (a tombstone) to a new topic; returns its name.
     */
    private static String writeTwoVersions(String topic) {
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        RegistryRecords.write(broker.bootstrap(), broker.registryUrl(), topic, "ada", customerV1(1, "ada", "al"));
        RegistryRecords.write(broker.bootstrap(), broker.registryUrl(), topic, "grace", customerV1(2, "grace", null));
        GenericRecord v2 = new GenericData.Record(CUSTOMER_V2);
        v2.put("id", 3L);
        v2.put("name", "edsger");
        v2.put("email", "e@example.com");
        RegistryRecords.write(broker.bootstrap(), broker.registryUrl(), topic, "edsger", v2);
        RegistryRecords.write(broker.bootstrap(), broker.registryUrl(), topic, null, null);
        return topic;
    }

    private static GenericRecord customerV1(long id, String name, String nickname) {
        GenericRecord customer = new GenericData.Record(CUSTOMER_V1);
        customer.put("id", id);
        customer.put("name", name);
        customer.put("nickname", nickname);
        return customer;
    }

    private static Dataset<Row> read(Map<String, String> options) {
        return SparkTestSession.get()
                .read()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("schema.registry.url", broker.registryUrl())
                .options(options)
                .load();
    }

    private static Map<String, String> with(Map<String, String> options, String name, String value) {
        Map<String, String> changed = new HashMap<>(options);
        changed.put(name, value);
        return changed;
    }

    /** Each row's fields joined by commas. */
    static List<String> texts(List<Row> rows) {
        return rows.stream().map(row -> row.mkString(",")).toList();
    }
}
