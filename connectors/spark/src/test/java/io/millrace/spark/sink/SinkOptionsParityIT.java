package io.millrace.spark.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.spark.SparkTestSession;
import io.millrace.spark.TestRecords;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid writes run through Spark's own {@code format("kafka")} and through {@code format("millrace")},
 * as a batch write and as a streaming query: each fails with the same message under both.
 */
class SinkOptionsParityIT {

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    private static final String INPUT = "sink-parity-input";
    private static final String OUTPUT = "sink-parity-output";

    enum Mode {
        BATCH,
        STREAM
    }

    @BeforeAll
    static void createTopics() {
        Clients.createTopic(broker.bootstrap(), INPUT, 1, Map.of());
        Clients.createTopic(broker.bootstrap(), OUTPUT, 1, Map.of());
        TestRecords.write(broker.bootstrap(), INPUT, "in", 3);
    }

    static Stream<Arguments> invalidWrites() {
        Stream<Arguments> both = Stream.of(Mode.BATCH, Mode.STREAM)
                .flatMap(mode -> Stream.of(
                        Arguments.of(
                                "no value column", mode, "value AS v", true, Map.of(), "Required attribute 'value'"),
                        Arguments.of(
                                "value an int", mode, "1 AS value", true, Map.of(), "value attribute unsupported type"),
                        Arguments.of(
                                "key an int",
                                mode,
                                "value, 1 AS key",
                                true,
                                Map.of(),
                                "key attribute unsupported type"),
                        Arguments.of(
                                "topic column an int",
                                mode,
                                "value, 1 AS topic",
                                false,
                                Map.of(),
                                "topic attribute unsupported type"),
                        Arguments.of(
                                "headers of strings",
                                mode,
                                "value, array('h') AS headers",
                                true,
                                Map.of(),
                                "headers attribute unsupported type"),
                        Arguments.of(
                                "partition a string",
                                mode,
                                "value, '0' AS partition",
                                true,
                                Map.of(),
                                "partition attribute unsupported type"),
                        Arguments.of("no topic", mode, "value", false, Map.of(), "topic option required"),
                        Arguments.of(
                                "key serializer",
                                mode,
                                "value",
                                true,
                                Map.of("kafka.key.serializer", "x"),
                                "'key.serializer' is not supported"),
                        Arguments.of(
                                "value serializer",
                                mode,
                                "value",
                                true,
                                Map.of("kafka.value.serializer", "x"),
                                "'value.serializer' is not supported")));
        Stream<Arguments> batchOnly = Stream.of(SaveMode.Overwrite, SaveMode.Ignore)
                .map(saveMode -> Arguments.of(
                        "save mode " + saveMode,
                        Mode.BATCH,
                        "value",
                        true,
                        Map.of("mode", saveMode.name()),
                        "Save mode"));
        return Stream.concat(both, batchOnly);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("invalidWrites")
    void failsWithKafkasMessage(
            String name, Mode mode, String columns, boolean topicOption, Map<String, String> extra, String expected)
            throws Exception {
        String kafka = errorOf("kafka", mode, columns, topicOption, extra);
        String millrace = errorOf("millrace", mode, columns, topicOption, extra);

        assertThat(kafka).as("format(\"kafka\") fails").contains(expected);
        assertThat(millrace)
                .as("format(\"millrace\") fails as format(\"kafka\") does")
                .isEqualTo(kafka);
    }

    /** The message of the error the write fails with; null if it does not fail. */
    private static String errorOf(
            String format, Mode mode, String columns, boolean topicOption, Map<String, String> extra) throws Exception {
        Map<String, String> options = new HashMap<>(extra);
        options.put("kafka.bootstrap.servers", broker.bootstrap());
        if (topicOption) {
            options.put("topic", OUTPUT);
        }
        String saveMode = options.remove("mode");
        try {
            if (mode == Mode.BATCH) {
                Dataset<Row> rows = input(SparkTestSession.get().read()).selectExpr(columns.split(", "));
                rows.write()
                        .format(format)
                        .options(options)
                        .mode(saveMode == null ? SaveMode.ErrorIfExists : SaveMode.valueOf(saveMode))
                        .save();
            } else {
                Path checkpoint = Files.createTempDirectory("sink-parity-checkpoint");
                StreamingQuery query = input(SparkTestSession.get().readStream())
                        .selectExpr(columns.split(", "))
                        .writeStream()
                        .format(format)
                        .options(options)
                        .trigger(Trigger.AvailableNow())
                        .option("checkpointLocation", checkpoint.toString())
                        .start();
                query.awaitTermination();
            }
            return null;
        } catch (Throwable e) {
            return cause(e).getMessage();
        }
    }

    private static Dataset<Row> input(org.apache.spark.sql.DataFrameReader reader) {
        return reader.format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("subscribe", INPUT)
                .load();
    }

    private static Dataset<Row> input(org.apache.spark.sql.streaming.DataStreamReader reader) {
        return reader.format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("subscribe", INPUT)
                .option("startingOffsets", "earliest")
                .load();
    }

    /** The outermost error of the kinds the sinks throw for invalid writes (a streaming query wraps it). */
    private static Throwable cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AnalysisException || t instanceof IllegalArgumentException) {
                return t;
            }
        }
        return e;
    }
}
