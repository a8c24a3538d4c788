package io.millrace.spark.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.connector.transactions.TransactionResumer;
import io.millrace.spark.SparkTestSession;
import io.millrace.spark.TestRecords;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming writes of {@code format("millrace")} against a real broker, from Millrace to Millrace:
 * exactly-once (the default) through a failed and retried task, through a batch Spark executes
 * again, and through a restart that finds a recorded batch not committed and a transaction no batch
 * recorded; and at-least-once. Output is read with {@code read_committed}, and no partition may be left
 * behind an open transaction.
 */
class ExactlyOnceSinkIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** A value whose task fails on its first attempt (see {@link #failOnce}). */
    private static final String FAILING_VALUE = "in-130";

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @BeforeAll
    static void registerFailingFunction() {
        SparkTestSession.get()
                .udf()
                .register("failOnce", (UDF1<String, String>) ExactlyOnceSinkIT::failOnce, DataTypes.StringType);
    }

    /** The value itself; fails the first attempt of the task that meets {@link #FAILING_VALUE}. */
    private static String failOnce(String value) {
        if (value.equals(FAILING_VALUE) && TaskContext.get().attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of task attempt 0 at " + value);
        }
        return value;
    }

    @Test
    void aTaskThatFailsAfterWritingAndIsRetriedLeavesEachInputOnce(@TempDir Path checkpoint) throws Exception {
        List<String> input = createInput("retried-in", 2, 200);
        Clients.createTopic(broker.bootstrap(), "retried-out", 2, Map.of());

        StreamingQuery query =
                start("failOnce(CAST(value AS STRING)) AS value", "retried-in", "retried-out", checkpoint, Map.of());
        assertThat(query.awaitTermination(DEADLINE.toMillis())).isTrue();

        assertThat(query.exception().isDefined()).as("the query failed").isFalse();
        assertThat(OutputTopics.committedValues(broker.bootstrap(), "retried-out"))
                .containsExactlyInAnyOrderElementsOf(input);
        assertThat(OutputTopics.blockedPartitions(broker.bootstrap(), "retried-out"))
                .isEmpty();
    }

    @Test
    void aBatchExecutedAgainAfterItsCommitWasNotCheckpointedWritesNothingTwice(@TempDir Path checkpoint)
            throws Exception {
        List<String> input = createInput("again-in", 2, 120);
        Clients.createTopic(broker.bootstrap(), "again-out", 2, Map.of());
        StreamingQuery first = start("CAST(value AS STRING) AS value", "again-in", "again-out", checkpoint, Map.of());
        assertThat(first.awaitTermination(DEADLINE.toMillis())).isTrue();
        assertThat(OutputTopics.committedValues(broker.bootstrap(), "again-out"))
                .containsExactlyInAnyOrderElementsOf(input);

        // as if the driver died after committing the last batch but before Spark's commit log had it
        File lastCommit = Arrays.stream(checkpoint.resolve("commits").toFile().listFiles())
                .filter(file -> file.getName().matches("\\d+"))
                .max(Comparator.comparingLong(file -> Long.parseLong(file.getName())))
                .orElseThrow();
        Files.delete(lastCommit.toPath());
        Files.deleteIfExists(checkpoint.resolve("commits").resolve("." + lastCommit.getName() + ".crc"));
        StreamingQuery again = start("CAST(value AS STRING) AS value", "again-in", "again-out", checkpoint, Map.of());
        assertThat(again.awaitTermination(DEADLINE.toMillis())).isTrue();

        assertThat(Arrays.stream(again.recentProgress())
                        .filter(progress -> progress.batchId() == Long.parseLong(lastCommit.getName()))
                        .mapToLong(StreamingQueryProgress::numInputRows)
                        .sum())
                .as("Spark executed batch %s again", lastCommit.getName())
                .isPositive();
        assertThat(OutputTopics.committedValues(broker.bootstrap(), "again-out"))
                .containsExactlyInAnyOrderElementsOf(input);
        assertThat(OutputTopics.blockedPartitions(broker.bootstrap(), "again-out"))
                .isEmpty();
    }

    @Test
    void aRestartedQueryCommitsTheRecordedTransactionsAndAbortsTheOthers(@TempDir Path checkpoint) throws Exception {
        List<String> input = createInput("recover-in", 1, 40);
        Clients.createTopic(broker.bootstrap(), "recover-out", 2, Map.of());
        StreamingQuery first =
                start("CAST(value AS STRING) AS value", "recover-in", "recover-out", checkpoint, Map.of());
        assertThat(first.awaitTermination(DEADLINE.toMillis())).isTrue();
        String base = TransactionalIds.base(
                SinkOptions.DEFAULT_TRANSACTIONAL_ID_PREFIX, first.id().toString());
        long lastBatch = Arrays.stream(first.recentProgress())
                .filter(progress -> progress.numInputRows() > 0)
                .mapToLong(StreamingQueryProgress::batchId)
                .max()
                .orElseThrow();

        // as if the driver died after recording its last batch, before committing a transaction of it,
        // and a task of a batch never recorded left its transaction open
        TaskTransaction recorded = openTransaction(TransactionalIds.of(base, 0), 0, "recorded");
        openTransaction(TransactionalIds.of(base, 1), 1, "never-recorded");
        SinkOptions options =
                SinkOptions.of(Map.of("kafka.bootstrap.servers", broker.bootstrap()), DeliveryGuarantee.EXACTLY_ONCE);
        CommitLog commitLog = new CommitLog(options);
        try (KafkaProducer<byte[], byte[]> producer = commitLog.producer()) {
            commitLog.write(producer, first.id().toString(), new BatchRecord(lastBatch, false, List.of(recorded)));
        }
        assertThat(OutputTopics.blockedPartitions(broker.bootstrap(), "recover-out"))
                .hasSize(2);

        // the sink recovers when the restarted query plans its first batch: there must be one
        List<String> more = TestRecords.write(broker.bootstrap(), "recover-in", "more", 5);
        StreamingQuery restarted =
                start("CAST(value AS STRING) AS value", "recover-in", "recover-out", checkpoint, Map.of());
        assertThat(restarted.awaitTermination(DEADLINE.toMillis())).isTrue();

        List<String> expected = new ArrayList<>(input);
        expected.addAll(more);
        expected.add("recorded");
        assertThat(OutputTopics.committedValues(broker.bootstrap(), "recover-out"))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(OutputTopics.blockedPartitions(broker.bootstrap(), "recover-out"))
                .isEmpty();
        assertThat(commitLog.last(first.id().toString()).orElseThrow().batch()).isGreaterThan(lastBatch);
    }

    /** Leaves a transaction of {@code transactionalId} open with one record in {@code recover-out}. */
    private static TaskTransaction openTransaction(String transactionalId, int partition, String value)
            throws Exception {
        KafkaProducer<byte[], byte[]> producer = TestRecords.transactional(broker.bootstrap(), transactionalId);
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("recover-out", partition, null, TestRecords.bytes(value)))
                    .get();
            return TaskTransaction.of(transactionalId, TransactionResumer.session(producer));
        } finally {
            producer.close(Duration.ZERO);
        }
    }

    @Test
    void atLeastOnceWritesEveryInput(@TempDir Path checkpoint) throws Exception {
        List<String> input = createInput("plain-in", 2, 100);
        Clients.createTopic(broker.bootstrap(), "plain-out", 1, Map.of());

        StreamingQuery query = start(
                "CAST(value AS STRING) AS value",
                "plain-in",
                "plain-out",
                checkpoint,
                Map.of("deliveryGuarantee", "at-least-once"));
        assertThat(query.awaitTermination(DEADLINE.toMillis())).isTrue();

        assertThat(OutputTopics.committedValues(broker.bootstrap(), "plain-out"))
                .containsExactlyInAnyOrderElementsOf(input);
    }

    private static List<String> createInput(String topic, int partitions, int count) {
        Clients.createTopic(broker.bootstrap(), topic, partitions, Map.of());
        return TestRecords.write(broker.bootstrap(), topic, "in", count);
    }

    /** A query copying {@code in} to {@code out} through {@code column}, 50 offsets a batch, until caught up. */
    private static StreamingQuery start(
            String column, String in, String out, Path checkpoint, Map<String, String> sinkOptions) throws Exception {
        Dataset<Row> rows = SparkTestSession.get()
                .readStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("subscribe", in)
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", "50")
                .load()
                .selectExpr(column);
        return rows.writeStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", broker.bootstrap())
                .option("topic", out)
                .options(sinkOptions)
                .option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.AvailableNow())
                .start();
    }
}
