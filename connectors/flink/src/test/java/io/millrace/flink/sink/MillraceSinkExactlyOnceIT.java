package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checkpointed jobs copying records from a topic to another through the sink on a Flink MiniCluster
 * and a real broker: exactly once through a task failure, and through a cancellation in the middle
 * of a transaction followed by a restore from the retained checkpoint, after which no transaction
 * holds back a {@code read_committed} reader; at least once, every checkpoint flushes.
 */
class MillraceSinkExactlyOnceIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration MANUAL_CHECKPOINTS_ONLY = Duration.ofHours(1);

    /** Makes {@link FailOnce} throw on the next record; set by the test, cleared by the throw. */
    private static final AtomicBoolean FAILURE_ARMED = new AtomicBoolean();
    /** How many records {@link Counting} passed on. */
    private static final AtomicInteger PASSED = new AtomicInteger();

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @RegisterExtension
    static final MiniClusterExtension flink = SinkTestClusters.extension();

    @Test
    void aTaskFailureDuringTheCopyLeavesEveryRecordExactlyOnce() throws Exception {
        Clients.createTopic(broker.bootstrap(), "fail-in", 3, Map.of());
        Clients.createTopic(broker.bootstrap(), "fail-out", 3, Map.of());
        List<String> input = new ArrayList<>(CopyJobs.writeInput(broker.bootstrap(), "fail-in", "r", 0, 2000));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                CopyJobs.configuration(Duration.ofMillis(100), 5, Duration.ofMillis(100)));
        env.setParallelism(2);
        CopyJobs.input(env, broker.bootstrap(), "fail-in")
                .map(new FailOnce())
                .sinkTo(exactlyOnceSink("fail-out", "fail"));
        JobClient job = env.executeAsync("copy through a failure");
        try (CopyJobs.CommittedOutput output = new CopyJobs.CommittedOutput(broker.bootstrap(), "fail-out", 3)) {
            Await.until("a first commit", DEADLINE, () -> !output.poll().isEmpty());
            FAILURE_ARMED.set(true);
            input.addAll(CopyJobs.writeInput(broker.bootstrap(), "fail-in", "r", 2000, 2000));
            Await.until("the injected failure", DEADLINE, () -> !FAILURE_ARMED.get());
            output.awaitAll(input, DEADLINE);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        CopyJobs.assertEveryInputOnce(broker.bootstrap(), "fail-out", 3, input);
    }

    @Test
    void aJobCancelledMidTransactionAndRestoredLeavesNoTransactionThatBlocksReaders(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path checkpoints) throws Exception {
        String prefix = "cancel";
        Clients.createTopic(broker.bootstrap(), "cancel-in", 2, Map.of());
        Clients.createTopic(broker.bootstrap(), "cancel-out", 2, Map.of());
        List<String> input = new ArrayList<>(CopyJobs.writeInput(broker.bootstrap(), "cancel-in", "a", 0, 100));

        JobClient first = copyJob("cancel", prefix, checkpoints, null);
        checkpointUntilCommitted(cluster, first, "cancel-out", input);
        input.addAll(CopyJobs.writeInput(broker.bootstrap(), "cancel-in", "b", 0, 100));
        awaitWrittenInOpenTransaction("cancel-out", input, prefix);
        String checkpoint = cluster.triggerCheckpoint(first.getJobID()).get(30, TimeUnit.SECONDS);
        input.addAll(CopyJobs.writeInput(broker.bootstrap(), "cancel-in", "c", 0, 100));
        awaitWrittenInOpenTransaction("cancel-out", input, prefix);
        // transactions of an attempt that crashed before the checkpoint: one in writer 1's space, and
        // one in a space beyond the job's two (an attempt at a higher parallelism), which is writer 0's
        leaveOpen("cancel-1-7", "cancel-out", "ghost-1");
        leaveOpen("cancel-6-0", "cancel-out", "ghost-6");
        first.cancel().get(30, TimeUnit.SECONDS);

        JobClient second = copyJob("cancel", prefix, checkpoints, checkpoint);
        Await.until(
                "the restored writers to abort the lingering transactions",
                DEADLINE,
                () -> ongoing(prefix).stream().noneMatch(id -> id.equals("cancel-1-7") || id.equals("cancel-6-0")));
        checkpointUntilCommitted(cluster, second, "cancel-out", input);
        second.cancel().get(30, TimeUnit.SECONDS);

        assertThat(ongoing(prefix)).as("ongoing transactions of the sink").isEmpty();
        for (TopicPartition partition : CopyJobs.partitions("cancel-out", 2)) {
            assertThat(CopyJobs.endOffset(broker.admin(), partition, IsolationLevel.READ_COMMITTED))
                    .as("the last stable offset of " + partition + " is its end: nothing holds readers back")
                    .isEqualTo(CopyJobs.endOffset(broker.admin(), partition, IsolationLevel.READ_UNCOMMITTED));
        }
        CopyJobs.assertEveryInputOnce(broker.bootstrap(), "cancel-out", 2, input);
    }

    @ParameterizedTest
    @EnumSource(
            value = DeliveryGuarantee.class,
            names = {"AT_LEAST_ONCE", "NONE"})
    void atLeastOnceEveryCheckpointFlushesWhatCameBeforeIt(
            DeliveryGuarantee guarantee, @InjectMiniCluster MiniCluster cluster) throws Exception {
        String name =
                "flush-" + guarantee.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        Clients.createTopic(broker.bootstrap(), name + "-in", 1, Map.of());
        Clients.createTopic(broker.bootstrap(), name + "-out", 1, Map.of());
        List<String> input = CopyJobs.writeInput(broker.bootstrap(), name + "-in", "f", 0, 20);
        Properties holdRecords = new Properties();
        // nothing leaves the producer unless flushed
        holdRecords.setProperty(ProducerConfig.LINGER_MS_CONFIG, "600000");
        holdRecords.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, "1048576");
        PASSED.set(0);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                CopyJobs.configuration(MANUAL_CHECKPOINTS_ONLY, 0, Duration.ZERO));
        env.setParallelism(1);
        CopyJobs.input(env, broker.bootstrap(), name + "-in")
                .map(new Counting())
                .sinkTo(CopyJobs.sink(broker.bootstrap(), name + "-out", guarantee, name, holdRecords));
        JobClient job = env.executeAsync(name);
        try {
            // the map and the writer share a thread: once the map passed a record, the writer has it
            Await.until("the writer to receive every record", DEADLINE, () -> PASSED.get() == input.size());
            cluster.triggerCheckpoint(job.getJobID()).get(30, TimeUnit.SECONDS);

            List<String> written = CopyJobs.uncommitted(broker.bootstrap(), name + "-out", 1);
            if (guarantee == DeliveryGuarantee.AT_LEAST_ONCE) {
                assertThat(written).as("written when the checkpoint completed").containsExactlyElementsOf(input);
            } else {
                assertThat(written).as("NONE does not flush on checkpoints").isEmpty();
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Starts the exactly-once copy job of {@code name}, checkpointing only when the test says, restored from {@code restore}. */
    private static JobClient copyJob(String name, String prefix, Path checkpoints, String restore) throws Exception {
        Configuration config = CopyJobs.configuration(MANUAL_CHECKPOINTS_ONLY, 0, Duration.ZERO);
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restore != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        CopyJobs.input(env, broker.bootstrap(), name + "-in").sinkTo(exactlyOnceSink(name + "-out", prefix));
        return env.executeAsync(name);
    }

    /** Triggers checkpoints until {@code expected} is committed to {@code topic}. */
    private static void checkpointUntilCommitted(
            MiniCluster cluster, JobClient job, String topic, List<String> expected) {
        Await.until("the records to be committed", DEADLINE, () -> {
            cluster.triggerCheckpoint(job.getJobID()).get(30, TimeUnit.SECONDS);
            return CopyJobs.committed(broker.bootstrap(), topic, 2).containsAll(expected);
        });
    }

    /** Waits until {@code expected} is written to {@code topic} and a transaction of {@code prefix} is open. */
    private static void awaitWrittenInOpenTransaction(String topic, List<String> expected, String prefix) {
        Await.until(
                "the records to be written in an open transaction",
                DEADLINE,
                () -> CopyJobs.uncommitted(broker.bootstrap(), topic, 2).containsAll(expected)
                        && !ongoing(prefix).isEmpty());
    }

    /** The ongoing transactions of the sink's prefix. */
    private static List<String> ongoing(String prefix) throws Exception {
        return broker
                .admin()
                .listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
                .all()
                .get()
                .stream()
                .map(TransactionListing::transactionalId)
                .filter(id -> TransactionalIds.parse(prefix, id).isPresent())
                .toList();
    }

    /** Leaves a transaction with a record in every partition open, as a writer that died would. */
    private static void leaveOpen(String transactionalId, String topic, String value) {
        KafkaProducer<byte[], byte[]> producer =
                Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
        try {
            producer.initTransactions();
            producer.beginTransaction();
            for (TopicPartition partition : CopyJobs.partitions(topic, 2)) {
                producer.send(new ProducerRecord<>(
                        topic, partition.partition(), null, value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        } finally {
            producer.close(Duration.ZERO);
        }
    }

    private static MillraceSink<String> exactlyOnceSink(String topic, String prefix) {
        return CopyJobs.sink(broker.bootstrap(), topic, DeliveryGuarantee.EXACTLY_ONCE, prefix, new Properties());
    }

    /** Passes records on, throwing once when the test arms it. */
    private static final class FailOnce implements MapFunction<String, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(String value) {
            if (FAILURE_ARMED.compareAndSet(true, false)) {
                throw new IllegalStateException("Injected failure");
            }
            return value;
        }
    }

    /** Passes records on, counting them. */
    private static final class Counting implements MapFunction<String, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(String value) {
            PASSED.incrementAndGet();
            return value;
        }
    }
}
