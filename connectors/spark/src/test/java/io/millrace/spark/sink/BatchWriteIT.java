package io.millrace.spark.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.spark.SparkTestSession;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Batch writes of {@code format("millrace")} against a real broker, read back with the source. */
class BatchWriteIT {

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void everyColumnRoundTripsIncludingHeadersAndPartition() {
        String topic = "round-trip";
        Clients.createTopic(broker.bootstrap(), topic, 3, Map.of());
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> rows = spark.sql("SELECT '" + topic + "' AS topic, 'k-' || id AS key,"
                + " CAST('v-' || id AS BINARY) AS value,"
                + " array(named_struct('key', 'h', 'value', CAST('hv-' || id AS BINARY)),"
                + " named_struct('key', 'h2', 'value', CAST(NULL AS BINARY))) AS headers,"
                + " CAST(id % 3 AS INT) AS partition FROM range(30)");

        rows.write()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .save();

        List<String> read = read(topic)
                .selectExpr(
                        "CAST(key AS STRING)",
                        "CAST(value AS STRING)",
                        "topic",
                        "partition",
                        "transform(headers, h -> h.key || '=' || coalesce(CAST(h.value AS STRING), 'null'))")
                .collectAsList()
                .stream()
                .map(Row::toString)
                .sorted()
                .toList();
        List<String> expected = java.util.stream.LongStream.range(0, 30)
                .mapToObj(i ->
                        "[k-" + i + ",v-" + i + "," + topic + "," + (i % 3) + ",ArraySeq(h=hv-" + i + ", h2=null)]")
                .sorted()
                .toList();
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void theTopicOptionWinsOverTheColumnStringValuesAndNoKey() {
        String topic = "from-option";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        SparkTestSession.get()
                .sql("SELECT 'elsewhere' AS topic, 'text-' || id AS value FROM range(5)")
                .write()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("topic", " " + topic + " ")
                .mode(SaveMode.Append)
                .save();

        assertThat(read(topic).selectExpr("key IS NULL", "CAST(value AS STRING)").collectAsList().stream()
                        .map(Row::toString)
                        .sorted())
                .containsExactly("[true,text-0]", "[true,text-1]", "[true,text-2]", "[true,text-3]", "[true,text-4]");
    }

    @Test
    void theDefaultSaveModeAndAppendWriteAsFormatKafkaDoes() {
        String topic = "modes";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        for (String format : List.of("kafka", "millrace")) {
            for (SaveMode mode : List.of(SaveMode.ErrorIfExists, SaveMode.Append)) {
                SparkTestSession.get()
                        .sql("SELECT '" + format + "-" + mode + "' AS value")
                        .write()
                        .format(format)
                        .option("kafka.bootstrap.servers", broker.bootstrap())
                        .option("topic", topic)
                        .mode(mode)
                        .save();
            }
        }

        assertThat(OutputTopics.committedValues(broker.bootstrap(), topic))
                .containsExactly("kafka-ErrorIfExists", "kafka-Append", "millrace-ErrorIfExists", "millrace-Append");
    }

    private static Dataset<Row> read(String topic) {
        return SparkTestSession.get()
                .read()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("subscribe", topic)
                .option("includeHeaders", "true")
                .load();
    }
}
