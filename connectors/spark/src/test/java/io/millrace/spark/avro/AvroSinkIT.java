package io.millrace.spark.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.spark.SparkTestSession;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code valueFormat=avro} and {@code keyFormat=avro} of the sink against a real broker and its
 * schema registry: struct columns written in the registry's wire format by a batch write and by an
 * exactly-once streaming query read back as the same structs through the source.
 */
class AvroSinkIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @Test
    void aBatchWriteOfStructsReadsBackAsTheSameStructs() {
        String topic = "avro-batch-out";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        Dataset<Row> orders = SparkTestSession.get()
                .sql("SELECT named_struct('id', id) AS key,"
                        + " named_struct('id', id, 'customer', 'c-' || (id % 3), 'amount', CAST(id * 1.5 AS DOUBLE),"
                        + " 'note', CASE WHEN id % 2 = 0 THEN NULL ELSE 'odd' END) AS value FROM range(20)");

        orders.write()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("topic", topic)
                .option("valueFormat", "avro")
                .option("keyFormat", "avro")
                .option("schema.registry.url", broker.registryUrl())
                .save();

        Dataset<Row> read = read(topic).option("keyFormat", "avro").load();
        assertThat(read.schema().apply("value").dataType().catalogString())
                .isEqualTo("struct<id:bigint,customer:string,amount:double,note:string>");
        assertThat(sorted(read.selectExpr("key.id", "value.*")))
                .isEqualTo(sorted(orders.selectExpr("key.id", "value.*")));
    }

    @Test
    void anExactlyOnceStreamWritesStructsReadCommittedReadersSeeOnce() throws Exception {
        String input = "avro-stream-in";
        String output = "avro-stream-out";
        Clients.createTopic(broker.bootstrap(), input, 2, Map.of());
        Clients.createTopic(broker.bootstrap(), output, 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(input, ("" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        Path checkpoint = Files.createTempDirectory("avro-sink-stream");

        StreamingQuery query = SparkTestSession.get()
                .readStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("subscribe", input)
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", "10")
                .load()
                .selectExpr("named_struct('n', CAST(CAST(value AS STRING) AS INT), 'source', topic) AS value")
                .writeStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("topic", output)
                .option("valueFormat", "avro")
                .option("schema.registry.url", broker.registryUrl())
                .option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.AvailableNow())
                .start();

        assertThat(query.awaitTermination(DEADLINE.toMillis())).isTrue();
        assertThat(sorted(read(output).load().selectExpr("value.n", "value.source")))
                .isEqualTo(java.util.stream.IntStream.range(0, 30)
                        .mapToObj(i -> "[" + i + "," + input + "]")
                        .sorted()
                        .toList());
    }

    @Test
    void anAvroValueWithoutASubjectFailsNamingTheOption() {
        Dataset<Row> rows =
                SparkTestSession.get().sql("SELECT 'avro-no-subject' AS topic, named_struct('id', 1) AS value");

        assertThatThrownBy(() -> rows.write()
                        .format("millrace")
                        .option("kafka.bootstrap.servers", broker.bootstrap())
                        .option("valueFormat", "avro")
                        .option("schema.registry.url", broker.registryUrl())
                        .save())
                .hasMessageContaining("valueSubject");
    }

    private static DataFrameReader read(String topic) {
        return SparkTestSession.get()
                .read()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("subscribe", topic)
                .option("valueFormat", "avro")
                .option("schema.registry.url", broker.registryUrl());
    }

    private static List<String> sorted(Dataset<Row> rows) {
        return rows.collectAsList().stream().map(Row::toString).sorted().toList();
    }
}
