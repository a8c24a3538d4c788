package io.millrace.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same options run through Spark's own {@code format("kafka")} and through
 * {@code format("millrace")}: every invalid option or combination fails with the same message under
 * both (Millrace's list of the options that say what to read names {@code stream} too), and every
 * valid one reads the same rows.
 */
class SourceOptionsParityIT {

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    private static final String TOPIC = "options";
    private static final Pattern SET = Pattern.compile("Set\\(([^)]*)\\)");

    enum Mode {
        BATCH,
        STREAM
    }

    @BeforeAll
    static void createTopicWithRecordsInEveryPartition() {
        Clients.createTopic(broker.bootstrap(), TOPIC, 2, Map.of());
        for (int i = 0; i < 4; i++) {
            TestRecords.write(
                    broker.bootstrap(), new ProducerRecord<>(TOPIC, i % 2, null, TestRecords.bytes("record-" + i)));
        }
    }

    static Stream<Arguments> invalidOptions() {
        String future = Long.toString(System.currentTimeMillis() + 86_400_000L);
        return Stream.of(
                batch("no topic option"),
                batch("two topic options", "subscribe", TOPIC, "assign", "{\"options\":[0]}"),
                batch("assign without JSON", "assign", "options-0"),
                batch("assign with bad JSON", "assign", "{\"options\":\"zero\"}"),
                batch("subscribe without topics", "subscribe", " , "),
                batch("empty pattern", "subscribePattern", "  "),
                batch("minPartitions zero", "subscribe", TOPIC, "minPartitions", "0"),
                batch("minPartitions not a number", "subscribe", TOPIC, "minPartitions", "many"),
                batch("maxRecordsPerPartition zero", "subscribe", TOPIC, "maxRecordsPerPartition", "0"),
                batch("auto.offset.reset", "subscribe", TOPIC, "kafka.auto.offset.reset", "earliest"),
                batch("key deserializer", "subscribe", TOPIC, "kafka.key.deserializer", "x"),
                batch("value deserializer", "subscribe", TOPIC, "kafka.value.deserializer", "x"),
                stream("auto commit", "subscribe", TOPIC, "kafka.enable.auto.commit", "true"),
                stream("interceptors", "subscribe", TOPIC, "kafka.interceptor.classes", "x"),
                batch("no bootstrap servers", "subscribe", TOPIC, "kafka.bootstrap.servers", null),
                stream(
                        "min above max per trigger",
                        "subscribe",
                        TOPIC,
                        "minOffsetsPerTrigger",
                        "10",
                        "maxOffsetsPerTrigger",
                        "5"),
                batch("batch starting at latest", "subscribe", TOPIC, "startingOffsets", "latest"),
                batch(
                        "batch partition starting at latest",
                        "subscribe",
                        TOPIC,
                        "startingOffsets",
                        "{\"options\":{\"0\":-1,\"1\":-2}}"),
                batch("batch ending at earliest", "subscribe", TOPIC, "endingOffsets", "earliest"),
                batch(
                        "batch partition ending at earliest",
                        "subscribe",
                        TOPIC,
                        "endingOffsets",
                        "{\"options\":{\"0\":-2,\"1\":-1}}"),
                stream("ending offsets in a stream", "subscribe", TOPIC, "endingOffsets", "latest"),
                stream(
                        "ending timestamps in a stream",
                        "subscribe",
                        TOPIC,
                        "endingOffsetsByTimestamp",
                        "{\"options\":{\"0\":1}}"),
                batch("timestamp not a number", "subscribe", TOPIC, "startingTimestamp", "yesterday"),
                batch("offsets not JSON", "subscribe", TOPIC, "startingOffsets", "{options"),
                batch("timestamps not JSON", "subscribe", TOPIC, "startingOffsetsByTimestamp", "{options"),
                batch(
                        "unknown timestamp strategy",
                        "subscribe",
                        TOPIC,
                        "startingTimestamp",
                        "1",
                        "startingOffsetsByTimestampStrategy",
                        "closest"),
                batch(
                        "start after end",
                        "assign",
                        "{\"options\":[0]}",
                        "startingOffsets",
                        "{\"options\":{\"0\":3}}",
                        "endingOffsets",
                        "{\"options\":{\"0\":1}}"),
                batch(
                        "start and end name other partitions",
                        "subscribe",
                        TOPIC,
                        "startingOffsets",
                        "{\"options\":{\"0\":0}}",
                        "endingOffsets",
                        "{\"options\":{\"1\":1}}"),
                batch(
                        "starting offsets miss a partition",
                        "subscribe",
                        TOPIC,
                        "startingOffsets",
                        "{\"options\":{\"0\":0}}"),
                batch("no record at the starting timestamp", "subscribe", TOPIC, "startingTimestamp", future),
                batch("failOnDataLoss not a boolean", "subscribe", TOPIC, "failOnDataLoss", "maybe"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOptions")
    void failsWithTheMessageOfSparksKafkaSource(String name, Mode mode, Map<String, String> options) {
        String kafka = errorOf("kafka", mode, options);
        String millrace = errorOf("millrace", mode, options);

        assertThat(kafka).as("Spark's Kafka source rejects it").isNotNull();
        assertThat(millrace)
                .isEqualTo(kafka.replace(
                        "subscribe, subscribepattern, assign.", "subscribe, subscribepattern, assign, stream."));
    }

    static Stream<Arguments> validOptions() {
        String future = Long.toString(System.currentTimeMillis() + 86_400_000L);
        return Stream.of(
                valid("subscribe", "subscribe", TOPIC),
                valid("subscribePattern", "subscribePattern", "opt.*"),
                valid("assign every partition", "assign", "{\"options\":[0,1]}"),
                valid("assign one partition", "assign", "{\"options\":[1]}"),
                valid(
                        "starting offsets per partition",
                        "subscribe",
                        TOPIC,
                        "startingOffsets",
                        "{\"options\":{\"0\":1,\"1\":-2}}"),
                valid(
                        "ending offsets per partition",
                        "subscribe",
                        TOPIC,
                        "endingOffsets",
                        "{\"options\":{\"0\":1,\"1\":-1}}"),
                valid(
                        "starting and ending timestamps",
                        "subscribe",
                        TOPIC,
                        "startingTimestamp",
                        "0",
                        "endingTimestamp",
                        future),
                valid(
                        "timestamps per partition",
                        "subscribe",
                        TOPIC,
                        "startingOffsetsByTimestamp",
                        "{\"options\":{\"0\":0,\"1\":0}}",
                        "endingOffsetsByTimestamp",
                        "{\"options\":{\"0\":" + future + ",\"1\":" + future + "}}"),
                valid(
                        "no record at the timestamp, strategy latest",
                        "subscribe",
                        TOPIC,
                        "startingTimestamp",
                        future,
                        "startingOffsetsByTimestampStrategy",
                        "latest"),
                valid("minPartitions", "subscribe", TOPIC, "minPartitions", "5"),
                valid("maxRecordsPerPartition", "subscribe", TOPIC, "maxRecordsPerPartition", "1"),
                valid("includeHeaders", "subscribe", TOPIC, "includeHeaders", "true"),
                valid("failOnDataLoss false", "subscribe", TOPIC, "failOnDataLoss", "false"),
                valid("groupIdPrefix", "subscribe", TOPIC, "groupIdPrefix", "mine"),
                valid(
                        "consumer and retry settings",
                        "subscribe",
                        TOPIC,
                        "kafkaConsumer.pollTimeoutMs",
                        "30000",
                        "fetchOffset.numRetries",
                        "5",
                        "fetchOffset.retryIntervalMs",
                        "10"),
                valid(
                        "trigger options ignored in a batch",
                        "subscribe",
                        TOPIC,
                        "maxOffsetsPerTrigger",
                        "1",
                        "minOffsetsPerTrigger",
                        "1",
                        "maxTriggerDelay",
                        "1s"),
                valid("a group id", "subscribe", TOPIC, "kafka.group.id", "mine"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validOptions")
    void readsTheRowsSparksKafkaSourceReads(String name, Map<String, String> options) {
        List<String> kafka = rows("kafka", options);
        List<String> millrace = rows("millrace", options);

        assertThat(millrace).isEqualTo(kafka);
    }

    @Test
    void streamAndSubscribeTogetherAreRejected() {
        String error = errorOf("millrace", Mode.BATCH, optionsOf("stream", "s", "subscribe", TOPIC));

        assertThat(error)
                .isEqualTo("Only one of the following options can be specified for Kafka source: subscribe,"
                        + " subscribepattern, assign, stream. See the docs for more details.");
    }

    @Test
    void anInvalidStreamNameIsRejected() {
        String error = errorOf("millrace", Mode.BATCH, optionsOf("stream", "orders/eu"));

        assertThat(error).startsWith("Invalid stream name 'orders/eu'");
    }

    private static Arguments valid(String name, String... pairs) {
        return Arguments.of(name, optionsOf(pairs));
    }

    private static Arguments batch(String name, String... pairs) {
        return Arguments.of(name, Mode.BATCH, optionsOf(pairs));
    }

    private static Arguments stream(String name, String... pairs) {
        return Arguments.of(name, Mode.STREAM, optionsOf(pairs));
    }

    /** The broker's address and the pairs; a null value removes the option. */
    private static Map<String, String> optionsOf(String... pairs) {
        Map<String, String> options = new HashMap<>();
        options.put("kafka.bootstrap.servers", broker.bootstrap());
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                options.remove(pairs[i]);
            } else {
                options.put(pairs[i], pairs[i + 1]);
            }
        }
        return options;
    }

    /** The rows of a batch read, binary columns as hex, sorted. */
    private static List<String> rows(String format, Map<String, String> options) {
        Dataset<Row> read =
                SparkTestSession.get().read().format(format).options(options).load();
        List<String> columns = new ArrayList<>(
                List.of("hex(key)", "hex(value)", "topic", "partition", "offset", "timestamp", "timestampType"));
        if (Arrays.asList(read.columns()).contains("headers")) {
            columns.add("size(headers)");
        }
        return read.selectExpr(columns.toArray(String[]::new)).collectAsList().stream()
                .map(Row::toString)
                .sorted()
                .toList();
    }

    /** The normalized message of the error the read fails with; null if it does not fail. */
    private static String errorOf(String format, Mode mode, Map<String, String> options) {
        try {
            if (mode == Mode.BATCH) {
                SparkTestSession.get()
                        .read()
                        .format(format)
                        .options(options)
                        .load()
                        .collect();
            } else {
                Path checkpoint = Files.createTempDirectory("options-checkpoint");
                StreamingQuery query = SparkTestSession.get()
                        .readStream()
                        .format(format)
                        .options(options)
                        .load()
                        .writeStream()
                        .format("noop")
                        .trigger(Trigger.AvailableNow())
                        .option("checkpointLocation", checkpoint.toString())
                        .start();
                query.awaitTermination();
            }
            return null;
        } catch (Throwable e) {
            return normalized(cause(e).getMessage());
        }
    }

    /** The outermost error of the kinds the sources throw for bad options (a streaming query wraps it). */
    private static Throwable cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException
                    || t instanceof IllegalStateException
                    || t instanceof AssertionError
                    || t instanceof NoSuchElementException
                    || t.getClass().getName().startsWith("org.apache.spark.Spark")) {
                return t;
            }
        }
        return e;
    }

    /** The message with whitespace collapsed and the elements of {@code Set(...)} sorted: a set has no order. */
    private static String normalized(String message) {
        Matcher sets = SET.matcher(message.strip().replaceAll("\\s+", " "));
        StringBuilder normalized = new StringBuilder();
        while (sets.find()) {
            String elements = Arrays.stream(sets.group(1).split(", ")).sorted().collect(Collectors.joining(", "));
            sets.appendReplacement(normalized, Matcher.quoteReplacement("Set(" + elements + ")"));
        }
        return sets.appendTail(normalized).toString();
    }
}
