package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.source.MillraceSource;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The pieces of the sink's copy jobs: input written with a plain producer, a Millrace source
 * reading it from the earliest offset, the sink under test, and the job's configuration. Stateless.
 */
final class CopyJobs {

    private CopyJobs() {}

    /** Writes {@code count} values {@code <prefix>-<i>} from {@code from} on, spread over the topic's partitions. */
    static List<String> writeInput(String bootstrap, String topic, String prefix, int from, int count) {
        List<String> values = new ArrayList<>(count);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap)) {
            for (int i = from; i < from + count; i++) {
                String value = prefix + "-" + i;
                values.add(value);
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, bytes, bytes));
            }
            producer.flush();
        }
        return values;
    }

    /** The input topic's records as strings, read exactly once by the job's checkpoints. */
    static DataStream<String> input(StreamExecutionEnvironment env, String bootstrap, String topic) {
        MillraceSource<String> source = MillraceSource.<String>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "input");
    }

    /** The sink under test, writing the strings to {@code topic}. */
    static MillraceSink<String> sink(
            String bootstrap, String topic, DeliveryGuarantee guarantee, String prefix, Properties producerConfig) {
        return MillraceSink.<String>builder()
                .setBootstrapServers(bootstrap)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(prefix)
                .setKafkaProducerConfig(producerConfig)
                .setRecordSerializer(MillraceRecordSerializationSchema.builder()
                        .setTopic(topic)
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .build();
    }

    /**
     * A job configuration: checkpoints every {@code checkpointInterval} (a long one leaves them to
     * the test) and at most {@code restarts} restarts, {@code restartDelay} apart.
     */
    static Configuration configuration(Duration checkpointInterval, int restarts, Duration restartDelay) {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, restartDelay);
        return config;
    }

    /** Everything a {@code read_committed} reader sees in {@code partitions} partitions of {@code topic}, up to the last stable offset. */
    static List<String> committed(String bootstrap, String topic, int partitions) {
        List<String> values = new ArrayList<>();
        Clients.readToEnd(
                bootstrap,
                partitions(topic, partitions),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                record -> values.add(text(record)));
        return values;
    }

    /** Everything in the topic, committed or not, up to its end. */
    static List<String> uncommitted(String bootstrap, String topic, int partitions) {
        List<String> values = new ArrayList<>();
        Clients.readToEnd(bootstrap, partitions(topic, partitions), record -> values.add(text(record)));
        return values;
    }

    /** Asserts that a {@code read_committed} reader sees every input in {@code topic} exactly once. */
    static void assertEveryInputOnce(String bootstrap, String topic, int partitions, List<String> input) {
        assertThat(committed(bootstrap, topic, partitions))
                .as("what read_committed sees in " + topic + ": every input once")
                .containsExactlyInAnyOrderElementsOf(input);
    }

    /** The end offset of {@code partition} a reader at {@code isolation} sees (the last stable offset for read_committed). */
    static long endOffset(Admin admin, TopicPartition partition, IsolationLevel isolation) {
        return Clients.await(
                        admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                                .partitionResult(partition))
                .offset();
    }

    static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        return partitions;
    }

    private static String text(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    /**
     * A {@code read_committed} reader of a topic that keeps what it read, for waiting until the
     * output is complete without reading it all again on every poll. For one test thread.
     */
    static final class CommittedOutput implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<String> values = new ArrayList<>();

        CommittedOutput(String bootstrap, String topic, int partitions) {
            consumer = Clients.consumer(bootstrap, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
            List<TopicPartition> assigned = partitions(topic, partitions);
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
        }

        /** Waits until everything in {@code expected} was read. */
        void awaitAll(List<String> expected, Duration deadline) {
            Await.until("every record to be committed", deadline, () -> poll().containsAll(expected));
        }

        /** What was read so far, after one more poll. */
        List<String> poll() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                values.add(text(record));
            }
            return List.copyOf(values);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
