package io.millrace.spark.source;

import static io.millrace.spark.TestRecords.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.spark.SparkTestSession;
import io.millrace.spark.TestRecords;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming reads of {@code format("millrace")} in micro-batches against a real broker; each
 * query's batches are collected through {@code foreachBatch}, which restarts from a checkpoint.
 */
class StreamingReadIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    /** The values of every batch of each query, by query name, in batch order. */
    private static final Map<String, List<List<String>>> BATCHES = new ConcurrentHashMap<>();

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void availableNowWithMaxOffsetsPerTriggerReadsInSeveralBatchesStopsAndResumesAtTheNextOffset(
            @TempDir Path checkpoint) throws Exception {
        String topic = "limited";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        List<String> first = TestRecords.write(broker.bootstrap(), topic, "first", 30);
        Map<String, String> options =
                Map.of("subscribe", topic, "startingOffsets", "earliest", "maxOffsetsPerTrigger", "10");

        StreamingQuery run1 = start("limited-1", options, checkpoint, Trigger.AvailableNow());
        assertThat(run1.awaitTermination(DEADLINE.toMillis()))
                .as("the query stops by itself")
                .isTrue();

        assertThat(BATCHES.get("limited-1")).hasSizeGreaterThanOrEqualTo(3).allMatch(batch -> batch.size() <= 10);
        assertThat(all("limited-1")).containsExactlyInAnyOrderElementsOf(first);
        Map<String, String> metrics = run1.lastProgress().sources()[0].metrics();
        assertThat(metrics).containsEntry("maxOffsetsBehindLatest", "0").containsKey("avgOffsetsBehindLatest");

        List<String> second = TestRecords.write(broker.bootstrap(), topic, "second", 7);
        StreamingQuery run2 = start("limited-2", options, checkpoint, Trigger.AvailableNow());
        assertThat(run2.awaitTermination(DEADLINE.toMillis())).isTrue();

        assertThat(all("limited-2")).containsExactlyInAnyOrderElementsOf(second);
    }

    @Test
    void aQueryCheckpointedUnderFormatKafkaGoesOnUnderFormatMillraceAtTheNextOffset(@TempDir Path checkpoint)
            throws Exception {
        String topic = "switched";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        List<String> first = TestRecords.write(broker.bootstrap(), topic, "first", 12);
        Map<String, String> options = Map.of("subscribe", topic, "startingOffsets", "earliest");
        StreamingQuery kafka = start("switched-1", "kafka", options, checkpoint, Trigger.AvailableNow());
        assertThat(kafka.awaitTermination(DEADLINE.toMillis())).isTrue();
        assertThat(all("switched-1")).containsExactlyInAnyOrderElementsOf(first);

        List<String> second = TestRecords.write(broker.bootstrap(), topic, "second", 8);
        StreamingQuery millrace = start("switched-2", options, checkpoint, Trigger.AvailableNow());
        assertThat(millrace.awaitTermination(DEADLINE.toMillis())).isTrue();

        assertThat(all("switched-2")).containsExactlyInAnyOrderElementsOf(second);
    }

    @Test
    void batchesEndingOnMarkersAndAbortedRecordsNeitherStallNorReportDataLoss(@TempDir Path checkpoint)
            throws Exception {
        String topic = "streamed-transactions";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> txn = TestRecords.transactional(broker.bootstrap(), "streaming-writer")) {
            TestRecords.inTransaction(txn, topic, true, "a1", "a2");
            TestRecords.inTransaction(txn, topic, false, "b1", "b2", "b3");
            TestRecords.inTransaction(txn, topic, true, "c1");
            TestRecords.inTransaction(txn, topic, false, "d1");
        }
        Map<String, String> options = Map.of(
                "subscribe",
                topic,
                "startingOffsets",
                "earliest",
                "maxOffsetsPerTrigger",
                "2",
                "kafkaConsumer.pollTimeoutMs",
                "20000");

        StreamingQuery query = start("transactions", options, checkpoint, Trigger.AvailableNow());

        assertThat(query.awaitTermination(DEADLINE.toMillis())).isTrue();
        assertThat(query.exception().isEmpty()).isTrue();
        assertThat(all("transactions")).containsExactly("a1", "a2", "c1");
    }

    @Test
    void recordsDeletedBeforeTheCheckpointedOffsetFailTheQueryUnlessFailOnDataLossIsFalse(@TempDir Path checkpoint)
            throws Exception {
        String topic = "lossy";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        TestRecords.write(broker.bootstrap(), topic, "kept", 10);
        Map<String, String> failing = Map.of("subscribe", topic, "startingOffsets", "earliest");
        StreamingQuery read = start("lossy-1", failing, checkpoint, Trigger.AvailableNow());
        assertThat(read.awaitTermination(DEADLINE.toMillis())).isTrue();
        List<String> later = TestRecords.write(broker.bootstrap(), topic, "later", 10);
        TopicPartition partition = new TopicPartition(topic, 0);
        Clients.await(broker.admin()
                .deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(15)))
                .all());

        StreamingQuery failed = start("lossy-2", failing, checkpoint, Trigger.AvailableNow());
        assertThatThrownBy(() -> failed.awaitTermination(DEADLINE.toMillis()))
                .isInstanceOf(StreamingQueryException.class)
                .hasStackTraceContaining("Cannot fetch offset 10")
                .hasStackTraceContaining("failOnDataLoss");
        Map<String, String> tolerant = Map.of("subscribe", topic, "failOnDataLoss", "false");
        StreamingQuery skipped = start("lossy-3", tolerant, checkpoint, Trigger.AvailableNow());
        assertThat(skipped.awaitTermination(DEADLINE.toMillis())).isTrue();

        assertThat(all("lossy-3")).containsExactlyElementsOf(later.subList(5, 10));
    }

    @Test
    void aDeletedTopicFailsTheQueryAsDataLossUnlessFailOnDataLossIsFalse(@TempDir Path checkpoint) throws Exception {
        Clients.createTopic(broker.bootstrap(), "kept", 1, Map.of());
        Clients.createTopic(broker.bootstrap(), "doomed", 1, Map.of());
        TestRecords.write(broker.bootstrap(), "kept", "kept", 3);
        TestRecords.write(broker.bootstrap(), "doomed", "doomed", 3);
        Map<String, String> failing = Map.of("subscribe", "kept,doomed", "startingOffsets", "earliest");
        StreamingQuery read = start("doomed-1", failing, checkpoint, Trigger.AvailableNow());
        assertThat(read.awaitTermination(DEADLINE.toMillis())).isTrue();
        Clients.await(broker.admin().deleteTopics(List.of("doomed")).all());
        List<String> later = TestRecords.write(broker.bootstrap(), "kept", "later", 2);

        StreamingQuery failed = start("doomed-2", failing, checkpoint, Trigger.AvailableNow());
        assertThatThrownBy(() -> failed.awaitTermination(DEADLINE.toMillis()))
                .isInstanceOf(StreamingQueryException.class)
                .hasStackTraceContaining("Partitions Set(doomed-0) have been deleted.");
        Map<String, String> tolerant = Map.of("subscribe", "kept,doomed", "failOnDataLoss", "false");
        StreamingQuery skipped = start("doomed-3", tolerant, checkpoint, Trigger.AvailableNow());
        assertThat(skipped.awaitTermination(DEADLINE.toMillis())).isTrue();

        assertThat(all("doomed-3")).containsExactlyElementsOf(later);
    }

    @Test
    void aTopicCreatedInASubscribedStreamIsReadByTheRunningQuery(@TempDir Path checkpoint) throws Exception {
        Clients.createTopic(broker.bootstrap(), "live:first", 1, Map.of());
        Clients.createTopic(broker.bootstrap(), "other:ignored", 1, Map.of());
        List<String> first = TestRecords.write(broker.bootstrap(), "live:first", "first", 5);
        TestRecords.write(broker.bootstrap(), "other:ignored", "ignored", 5);

        StreamingQuery query = start(
                "live",
                Map.of("stream", "live", "startingOffsets", "earliest"),
                checkpoint,
                Trigger.ProcessingTime(200));
        try {
            Await.until(
                    "the query to read the stream's first topic",
                    DEADLINE,
                    () -> all("live").containsAll(first));
            Clients.createTopic(broker.bootstrap(), "live:second", 2, Map.of());
            List<String> second = TestRecords.write(broker.bootstrap(), "live:second", "second", 6);
            Await.until(
                    "the query to read the topic created in the stream",
                    DEADLINE,
                    () -> all("live").containsAll(second));

            List<String> expected = new ArrayList<>(first);
            expected.addAll(second);
            assertThat(all("live")).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            query.stop();
        }
    }

    private static StreamingQuery start(String name, Map<String, String> options, Path checkpoint, Trigger trigger)
            throws TimeoutException {
        return start(name, "millrace", options, checkpoint, trigger);
    }

    private static StreamingQuery start(
            String name, String format, Map<String, String> options, Path checkpoint, Trigger trigger)
            throws TimeoutException {
        BATCHES.put(name, new CopyOnWriteArrayList<>());
        VoidFunction2<Dataset<Row>, Long> collect =
                (batch, id) -> BATCHES.get(name).add(values(batch.collectAsList()));
        return SparkTestSession.get()
                .readStream()
                .format(format)
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .options(options)
                .load()
                .writeStream()
                .queryName(name)
                .foreachBatch(collect)
                .trigger(trigger)
                .option("checkpointLocation", checkpoint.toString())
                .start();
    }

    private static List<String> all(String name) {
        return BATCHES.get(name).stream().flatMap(List::stream).toList();
    }
}
