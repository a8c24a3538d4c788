package io.millrace.schema.store;

import io.millrace.schema.core.RegistryErrors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code _schemas} topic, through kafka-clients: creates it (one partition,
 * {@code cleanup.policy=compact}, no time or size retention), appends records with
 * {@code acks=all}, and replays it into a {@link RegistryState} on a dedicated reader thread.
 *
 * <p>Thread-safety: {@link #append} and {@link #catchUp} may be called from any thread; the
 * consumer is used only by the reader thread.
 */
public final class SchemasTopic implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemasTopic.class);

    private final String topic;
    private final TopicPartition partition;
    private final RegistryState state;
    private final Duration timeout;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile Throwable readerFailure;

    private SchemasTopic(String bootstrap, String topic, RegistryState state, Duration timeout) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.state = state;
        this.timeout = timeout;
        Map<String, Object> common = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "millrace-schema-registry");
        Properties adminProps = new Properties();
        adminProps.putAll(common);
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.admin = Admin.create(adminProps);
        Properties producerProps = new Properties();
        producerProps.putAll(common);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        Properties consumerProps = new Properties();
        consumerProps.putAll(common);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::readLoop, "millrace-schemas-reader");
        this.reader.setDaemon(true);
    }

    /**
     * Creates the topic if needed, starts replaying it and returns once the state holds every
     * record that was in the topic at start.
     */
    public static SchemasTopic open(String bootstrap, String topic, RegistryState state, Duration timeout)
            throws Exception {
        SchemasTopic store = new SchemasTopic(bootstrap, topic, state, timeout);
        try {
            store.ensureTopic();
            store.consumer.assign(List.of(store.partition));
            store.consumer.seekToBeginning(List.of(store.partition));
            store.reader.start();
            store.catchUp();
            return store;
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
    }

    private void ensureTopic() throws Exception {
        NewTopic spec = new NewTopic(topic, 1, (short) 1)
                .configs(Map.of(
                        "cleanup.policy", "compact",
                        "retention.ms", "-1",
                        "retention.bytes", "-1"));
        try {
            admin.createTopics(List.of(spec)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created the schemas topic {} (1 partition, cleanup.policy=compact)", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "Cannot create the schemas topic " + topic + ": "
                                + e.getCause().getMessage(),
                        e.getCause());
            }
        }
        TopicDescription description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic);
        if (description.partitions().size() != 1) {
            throw new IllegalStateException("The schemas topic " + topic + " has "
                    + description.partitions().size()
                    + " partitions; the registry needs exactly 1 (writes are ordered by its offsets). "
                    + "Delete it or point the registry at another topic.");
        }
    }

    /** Waits until the state holds every record written to the topic before this call. */
    public void catchUp() {
        long end = await(
                        admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                                .partitionResult(partition),
                        "Cannot read the end offset of " + topic,
                        "Interrupted while reading the end offset of " + topic)
                .offset();
        awaitApplied(end);
    }

    /** Waits until the record before {@code offset} (and all earlier ones) are applied. */
    public void awaitApplied(long offset) {
        try {
            if (!state.awaitOffset(offset, timeout.toMillis())) {
                Throwable failure = readerFailure;
                throw RegistryErrors.timeout("The registry did not read " + topic + " up to offset " + offset
                        + " within " + timeout.toMillis() + " ms" + (failure == null ? "" : ": " + failure));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryErrors.timeout("Interrupted while reading " + topic);
        }
    }

    /** Appends one record and returns its offset once the broker acknowledged it. */
    public long append(byte[] key, byte[] value) {
        return await(
                        producer.send(new ProducerRecord<>(topic, 0, key, value)),
                        "Cannot write to " + topic,
                        "Interrupted while writing to " + topic)
                .offset();
    }

    /**
     * The result of a call on the topic within the timeout. Its failure is a store error (50001)
     * saying {@code failure} and the root cause; an interrupt is a timeout (50002) saying
     * {@code interrupted}.
     */
    private <T> T await(Future<T> call, String failure, String interrupted) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw RegistryErrors.storeError(failure + ": " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryErrors.timeout(interrupted);
        }
    }

    private void readLoop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    state.apply(record.offset(), record.key(), record.value());
                }
                state.advanceTo(consumer.position(partition));
            }
        } catch (WakeupException e) {
            // close() stops the loop
        } catch (RuntimeException | Error e) {
            readerFailure = e;
            log.error(
                    "The schemas topic reader stopped: {}; the registry can no longer see new writes", e.toString(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            if (reader.isAlive()) {
                reader.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!reader.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
