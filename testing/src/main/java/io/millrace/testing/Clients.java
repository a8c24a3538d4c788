package io.millrace.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * kafka-clients against a broker's bootstrap address, with the settings tests share: byte-array
 * records, consumers without a group (tests read with {@code assign()} and explicit positions unless
 * they set {@code group.id}), and helpers that wait for an answer with a deadline.
 */
public final class Clients {

    /** How long a reader may go without receiving a record before it gives up. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    private Clients() {}

    /** A producer with kafka-clients' defaults (idempotent, acks=all) plus {@code overrides}. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.putAll(overrides);
        return new KafkaProducer<>(config);
    }

    /** A producer with kafka-clients' defaults (idempotent, acks=all). */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, Map.of());
    }

    /** A consumer starting at the earliest offset, without auto-commit, plus {@code overrides} (e.g. a group id). */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putAll(overrides);
        return new KafkaConsumer<>(config);
    }

    /** A consumer without a group (for {@code assign()}) starting at the earliest offset. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return consumer(bootstrap, Map.of());
    }

    /** An admin client; close it after use. */
    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Creates a topic with replication factor 1 and the given topic configs, waiting for the answer. */
    public static void createTopic(Admin admin, String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        await(admin.createTopics(List.of(topic)).all());
    }

    /** {@link #createTopic(Admin, String, int, Map)} with an admin client of its own. */
    public static void createTopic(String bootstrap, String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, name, partitions, configs);
        }
    }

    /**
     * Reads {@code partitions} from their earliest offsets up to the end offsets they have when
     * the read starts, handing every record to {@code handler} in offset order per partition.
     * Fails if no record arrives for {@link #STALL_TIMEOUT} while some are still expected.
     */
    public static void readToEnd(
            String bootstrap, List<TopicPartition> partitions, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        readToEnd(bootstrap, partitions, Map.of(), handler);
    }

    /** {@link #readToEnd(String, List, Consumer)} with consumer settings, e.g. the isolation level. */
    public static void readToEnd(
            String bootstrap,
            List<TopicPartition> partitions,
            Map<String, Object> overrides,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, config)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long lastProgress = System.nanoTime();
            while (!reached(consumer, end)) {
                int n = 0;
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    handler.accept(record);
                    n++;
                }
                if (n > 0) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                    StringBuilder where = new StringBuilder();
                    for (TopicPartition tp : partitions) {
                        where.append(' ')
                                .append(tp)
                                .append(" at ")
                                .append(consumer.position(tp))
                                .append(" of ")
                                .append(end.get(tp));
                    }
                    throw new AssertionError("No record for " + STALL_TIMEOUT + " while reading to the end:" + where);
                }
            }
        }
    }

    /**
     * The values (as UTF-8) that a read_committed consumer reads from {@code partition}, from its
     * earliest offset up to its last stable offset.
     */
    public static List<String> readCommittedText(String bootstrap, TopicPartition partition) {
        List<String> values = new ArrayList<>();
        readToEnd(
                bootstrap,
                List.of(partition),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
        return values;
    }

    /** Writes {@code text} (UTF-8, no key) to partition 0 of {@code topic} and waits a minute at most for the ack. */
    public static RecordMetadata sendText(String bootstrap, String topic, String text) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            return producer.send(new ProducerRecord<>(topic, 0, null, text.getBytes(StandardCharsets.UTF_8)))
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("Send to " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("No acknowledgement from " + bootstrap + " within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value (as UTF-8) at {@code offset} of {@code partition}, polled for until {@code timeout}. */
    public static String readText(String bootstrap, TopicPartition partition, long offset, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            ConsumerRecord<byte[], byte[]> record =
                    awaitRecord(consumer, partition, "the record at offset " + offset + " of " + partition, timeout);
            return new String(record.value(), StandardCharsets.UTF_8);
        }
    }

    /** Polls {@code consumer} until it returns a record of {@code partition}, and returns the first one. */
    public static ConsumerRecord<byte[], byte[]> awaitRecord(
            KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, String what, Duration timeout) {
        return Await.value(
                what,
                timeout,
                () -> {
                    List<ConsumerRecord<byte[], byte[]>> polled =
                            consumer.poll(Duration.ofMillis(200)).records(partition);
                    return polled.isEmpty() ? null : polled.get(0);
                },
                r -> r != null);
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The result of an admin or producer future, failing the test after a minute. */
    public static <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("Request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("No answer within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The exception a failed admin future completes with (its cause), or an assertion error if it succeeds. */
    public static Throwable failure(org.apache.kafka.common.KafkaFuture<?> future) {
        try {
            Object value = future.get(60, TimeUnit.SECONDS);
            throw new AssertionError("Expected the request to fail, but it returned " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("No answer within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
