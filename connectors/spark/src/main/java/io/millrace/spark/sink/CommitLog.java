package io.millrace.spark.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The exactly-once sink's record of the batches it commits: a compacted topic of one partition
 * (option {@code commitLogTopic}), one {@link BatchRecord} per query keyed by the query id, written
 * with acks from all replicas before the driver commits a batch's transactions and again once they
 * are committed. Only the driver reads it, when a query starts. Created when missing. Not
 * thread-safe; the driver's query thread uses it.
 */
final class CommitLog {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private final SinkOptions options;
    private final TopicPartition partition;

    CommitLog(SinkOptions options) {
        this.options = options;
        this.partition = new TopicPartition(options.commitLogTopic(), 0);
    }

    /** Creates the topic unless it exists. */
    void create(Admin admin) throws InterruptedException {
        NewTopic topic = new NewTopic(partition.topic(), 1, (short) -1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "Cannot create the sink's commit log " + partition.topic(), e.getCause());
            }
        }
    }

    /** The last record of the query; empty if it never committed a batch. */
    Optional<BatchRecord> last(String queryId) {
        byte[] key = queryId.getBytes(StandardCharsets.UTF_8);
        byte[] last = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(options.commitLogConsumer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading the sink's commit log " + partition.topic()
                            + " up to offset " + end + " took longer than " + READ_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (Arrays.equals(record.key(), key)) {
                        last = record.value();
                    }
                }
            }
        }
        return Optional.ofNullable(last).map(BatchRecord::fromJson);
    }

    /** Writes the record of the query and returns once all replicas have it. */
    void write(KafkaProducer<byte[], byte[]> producer, String queryId, BatchRecord record) throws InterruptedException {
        try {
            producer.send(new ProducerRecord<>(
                            partition.topic(),
                            partition.partition(),
                            queryId.getBytes(StandardCharsets.UTF_8),
                            record.toJson()))
                    .get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot record batch " + record.batch() + " in the sink's commit log " + partition.topic(),
                    e.getCause());
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(options.commitLogProducer());
    }
}
