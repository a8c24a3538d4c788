package io.millrace.flink.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.RetainedCheckpoints;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.CompactedTopics;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source against a real broker on a Flink MiniCluster, for what Flink's test suite does not
 * cover: offset gaps (compaction, transaction markers, aborted records, an open transaction at the
 * end), exact resumption from a retained checkpoint, offsets committed to the consumer group, and
 * a topic created in a subscribed stream while the job runs.
 */
class MillraceSourceIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().override("log.cleaner.backoff.ms", "100").build();

    @RegisterExtension
    static final MiniClusterExtension flink = FlinkTestClusters.extension();

    @Test
    void boundedReadOfACompactedTopicYieldsTheCompactedLogAndFinishes() throws Exception {
        String topic = "compacted";
        List<String> compacted = CompactedTopics.createAndCompact(broker.bootstrap(), topic, DEADLINE);

        List<String> read = runBounded(source(b -> b.setTopics(topic).setBounded(OffsetsInitializer.latest())));

        assertThat(read).containsExactlyElementsOf(compacted);
    }

    @Test
    void boundedReadCommittedReadsCommittedRecordsEndsAfterMarkersAndNeverWaitsForAnOpenTransaction() throws Exception {
        Clients.createTopic(broker.bootstrap(), "txn", 1, Map.of());
        Clients.createTopic(broker.bootstrap(), "txn-open", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> txn = transactionalProducer("txn-writer");
                KafkaProducer<byte[], byte[]> open = transactionalProducer("txn-open-writer");
                KafkaProducer<byte[], byte[]> plain = Clients.producer(broker.bootstrap())) {
            inTransaction(txn, "txn", true, "a1", "a2");
            inTransaction(txn, "txn", false, "b1", "b2");
            plain.send(record("txn", "c1")).get();
            inTransaction(txn, "txn", true, "d1");
            inTransaction(txn, "txn", false, "e1"); // the log ends with an abort marker
            inTransaction(open, "txn-open", true, "f1");
            open.beginTransaction();
            open.send(record("txn-open", "g1")).get(); // stays open while the job runs

            List<String> read =
                    runBounded(source(b -> b.setTopics("txn", "txn-open").setBounded(OffsetsInitializer.latest())));

            assertThat(read).containsExactlyInAnyOrder("a1", "a2", "c1", "d1", "f1");
            open.abortTransaction();
        }
    }

    @Test
    void aJobRestoredFromItsCheckpointResumesAtTheNextOffset(@TempDir Path checkpoints) throws Exception {
        String topic = "resume";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        List<String> before = write(topic, "before", 60);
        try (KafkaProducer<byte[], byte[]> txn = transactionalProducer("resume-writer")) {
            inTransaction(txn, topic, true, "before-txn-1", "before-txn-2");
            inTransaction(txn, topic, false, "aborted-1");
        }
        List<String> expectedBefore = Stream.concat(before.stream(), Stream.of("before-txn-1", "before-txn-2"))
                .toList();

        JobClient first = runResumingJob(topic, "resume-1", checkpoints, null);
        Await.until(
                "the first job to emit every record",
                DEADLINE,
                () -> CollectingSink.received("resume-1").size() >= expectedBefore.size());
        long emittedAt = latestCheckpoint(checkpoints, first)
                .map(RetainedCheckpoints::number)
                .orElse(0L);
        // a checkpoint triggered after the records reached the sink: one completed later than the next
        Await.until(
                "a checkpoint taken after the records were emitted",
                DEADLINE,
                () -> latestCheckpoint(checkpoints, first)
                                .map(RetainedCheckpoints::number)
                                .orElse(0L)
                        >= emittedAt + 2);
        first.cancel().get(30, TimeUnit.SECONDS);
        assertThat(CollectingSink.received("resume-1")).containsExactlyInAnyOrderElementsOf(expectedBefore);

        List<String> after = write(topic, "after", 40);
        Path checkpoint = latestCheckpoint(checkpoints, first).orElseThrow();
        JobClient second = runResumingJob(topic, "resume-2", checkpoints, checkpoint);
        Await.until(
                "the restored job to emit the new records",
                DEADLINE,
                () -> CollectingSink.received("resume-2").containsAll(after));
        second.cancel().get(30, TimeUnit.SECONDS);

        assertThat(CollectingSink.received("resume-2"))
                .as("what the restored job emitted: the new records, once each")
                .containsExactlyInAnyOrderElementsOf(after);
    }

    @Test
    void completedCheckpointsCommitTheConsumersPositionPastTrailingMarkers(@TempDir Path checkpoints) throws Exception {
        String topic = "committed";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> txn = transactionalProducer("committed-writer")) {
            inTransaction(txn, topic, true, "x1", "x2", "x3");
            inTransaction(txn, topic, false, "y1", "y2");
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        // the coordinator writes the markers after it answers the commit or abort
        long end = Await.value(
                "the abort marker to be written: 3 records, a commit marker, 2 aborted records, an abort marker",
                DEADLINE,
                () -> Clients.await(broker.admin()
                                .listOffsets(Map.of(partition, OffsetSpec.latest()))
                                .partitionResult(partition))
                        .offset(),
                offset -> offset == 7);

        JobClient job = runUnbounded(
                source(b -> b.setTopics(topic).setGroupId("committing-group")),
                "committed",
                checkpointing(checkpoints, null));
        Await.until("the group's committed offset to reach the end of the partition", DEADLINE, () -> {
            OffsetAndMetadata committed = Clients.await(broker.admin()
                            .listConsumerGroupOffsets("committing-group")
                            .partitionsToOffsetAndMetadata())
                    .get(partition);
            return committed != null && committed.offset() == end;
        });
        job.cancel().get(30, TimeUnit.SECONDS);
        assertThat(CollectingSink.received("committed")).containsExactly("x1", "x2", "x3");
    }

    @Test
    void aTopicCreatedInASubscribedStreamWhileTheJobRunsIsRead() throws Exception {
        Clients.createTopic(broker.bootstrap(), "live:first", 1, Map.of());
        List<String> first = write("live:first", "first", 5);
        Clients.createTopic(broker.bootstrap(), "other:ignored", 1, Map.of());
        write("other:ignored", "ignored", 5);

        JobClient job = runUnbounded(
                source(b -> b.setStreams("live").setProperty("partition.discovery.interval.ms", "200")),
                "live",
                new Configuration());
        Await.until(
                "the records of the stream's first topic",
                DEADLINE,
                () -> CollectingSink.received("live").containsAll(first));
        Clients.createTopic(broker.bootstrap(), "live:second", 2, Map.of());
        List<String> second = write("live:second", "second", 10);
        Await.until(
                "the records of the topic created later",
                DEADLINE,
                () -> CollectingSink.received("live").containsAll(second));
        job.cancel().get(30, TimeUnit.SECONDS);

        assertThat(CollectingSink.received("live"))
                .containsExactlyInAnyOrderElementsOf(
                        Stream.concat(first.stream(), second.stream()).toList());
    }

    private static MillraceSource<String> source(UnaryOperator<MillraceSourceBuilder<String>> settings) {
        return settings.apply(MillraceSource.<String>builder()
                        .setBootstrapServers(broker.bootstrap())
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setValueOnlyDeserializer(new SimpleStringSchema()))
                .build();
    }

    /** Runs a bounded source to its end and returns what it emitted; fails if it does not finish. */
    private static List<String> runBounded(MillraceSource<String> source) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return collect(env.fromSource(source, WatermarkStrategy.noWatermarks(), "millrace")
                .executeAndCollect("bounded read"));
    }

    /** Everything a bounded job emits; fails if the job does not finish in time. */
    private static List<String> collect(CloseableIterator<String> results) throws Exception {
        try (results) {
            return CompletableFuture.supplyAsync(() -> {
                        List<String> all = new ArrayList<>();
                        results.forEachRemaining(all::add);
                        return all;
                    })
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static JobClient runUnbounded(MillraceSource<String> source, String sinkName, Configuration config)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "millrace").sinkTo(CollectingSink.named(sinkName));
        return env.executeAsync(sinkName);
    }

    /** The job of the resume test: checkpointed, restored from {@code restore} when given. */
    private static JobClient runResumingJob(String topic, String sinkName, Path checkpoints, Path restore)
            throws Exception {
        return runUnbounded(
                source(b -> b.setTopics(topic).setGroupId("resume-group")),
                sinkName,
                checkpointing(checkpoints, restore));
    }

    /** Checkpoints every 100 ms into {@code directory}, kept on cancellation; restored from {@code restore}. */
    private static Configuration checkpointing(Path directory, Path restore) {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory.toUri().toString());
        config.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restore != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, restore.toUri().toString());
        }
        return config;
    }

    private static Optional<Path> latestCheckpoint(Path directory, JobClient job) {
        return RetainedCheckpoints.latest(directory, job.getJobID().toString());
    }

    /** Writes {@code count} records {@code prefix-i} spread over the topic's partitions. */
    private static List<String> write(String topic, String prefix, int count) throws Exception {
        List<String> values =
                IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(
                        topic, value.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return values;
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
        KafkaProducer<byte[], byte[]> producer =
                Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
        producer.initTransactions();
        return producer;
    }

    private static void inTransaction(
            KafkaProducer<byte[], byte[]> producer, String topic, boolean commit, String... values) throws Exception {
        producer.beginTransaction();
        for (String value : values) {
            producer.send(record(topic, value)).get();
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8));
    }
}
