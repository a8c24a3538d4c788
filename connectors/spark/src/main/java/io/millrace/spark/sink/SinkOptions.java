package io.millrace.spark.sink;

import io.millrace.spark.options.OptionNames;
import io.millrace.spark.options.SourceOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The options of a write to {@code format("millrace")}: spark-sql-kafka-0-10's ({@code topic},
 * {@code kafka.*} producer settings, checked with its messages) and ours ({@code deliveryGuarantee},
 * {@code transactionalIdPrefix}, {@code commitLogTopic}), and the client settings made of them.
 * Immutable; serializable, the executors' writers get it.
 */
public final class SinkOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    static final String DEFAULT_TRANSACTIONAL_ID_PREFIX = "millrace-spark";
    static final String DEFAULT_COMMIT_LOG_TOPIC = "millrace-spark-sink-commits";
    /**
     * Longer than any micro-batch should take, since a transaction stays open from its task's first
     * row until the driver commits the batch; Kafka's own default (60 s) is not.
     */
    static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private final String topic;
    private final HashMap<String, String> kafkaParams;
    private final DeliveryGuarantee guarantee;
    private final String transactionalIdPrefix;
    private final String commitLogTopic;

    private SinkOptions(
            String topic,
            Map<String, String> kafkaParams,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            String commitLogTopic) {
        this.topic = topic;
        this.kafkaParams = new HashMap<>(kafkaParams);
        this.guarantee = guarantee;
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.commitLogTopic = commitLogTopic;
    }

    /**
     * The options as the user wrote them (names in any case); {@code guaranteeByDefault} holds
     * unless {@code deliveryGuarantee} is set.
     *
     * @throws IllegalArgumentException for the producer settings spark-sql-kafka-0-10 rejects, in its words
     */
    public static SinkOptions of(Map<String, String> options, DeliveryGuarantee guaranteeByDefault) {
        SourceOptions named = SourceOptions.of(options);
        if (named.contains(OptionNames.KAFKA_PREFIX + ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG)) {
            throw new IllegalArgumentException("Kafka option 'key.serializer' is not supported as keys are serialized"
                    + " with ByteArraySerializer.");
        }
        if (named.contains(OptionNames.KAFKA_PREFIX + ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
            throw new IllegalArgumentException("Kafka option 'value.serializer' is not supported as value are"
                    + " serialized with ByteArraySerializer.");
        }
        return new SinkOptions(
                named.get(OptionNames.TOPIC).map(String::trim).orElse(null),
                named.kafkaParams(),
                named.get(OptionNames.DELIVERY_GUARANTEE)
                        .map(DeliveryGuarantee::of)
                        .orElse(guaranteeByDefault),
                named.get(OptionNames.TRANSACTIONAL_ID_PREFIX).orElse(DEFAULT_TRANSACTIONAL_ID_PREFIX),
                named.get(OptionNames.COMMIT_LOG_TOPIC).orElse(DEFAULT_COMMIT_LOG_TOPIC));
    }

    /** The {@code topic} option, trimmed; null when not set. */
    String topic() {
        return topic;
    }

    public DeliveryGuarantee guarantee() {
        return guarantee;
    }

    String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    String commitLogTopic() {
        return commitLogTopic;
    }

    /** A task's producer for at-least-once writes: the user's settings and byte arrays. */
    Map<String, Object> plainProducer() {
        Map<String, Object> config = new HashMap<>(kafkaParams);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /**
     * A producer of transactions with the given id: the user's settings, byte arrays, idempotence, and
     * {@link #DEFAULT_TRANSACTION_TIMEOUT} unless {@code kafka.transaction.timeout.ms} is set.
     */
    Map<String, Object> transactionalProducer(String transactionalId) {
        Map<String, Object> config = plainProducer();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.putIfAbsent(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(DEFAULT_TRANSACTION_TIMEOUT.toMillis()));
        return config;
    }

    /** The driver's producer of commit log records: the user's connection settings, acks from all replicas. */
    Map<String, Object> commitLogProducer() {
        Map<String, Object> config = only(ProducerConfig.configNames());
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /** The driver's reader of the commit log: the user's connection settings, no group. */
    Map<String, Object> commitLogConsumer() {
        Map<String, Object> config = only(ConsumerConfig.configNames());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    /** The driver's admin client: the user's connection settings. */
    Map<String, Object> admin() {
        return only(AdminClientConfig.configNames());
    }

    private Map<String, Object> only(Set<String> names) {
        Map<String, Object> config = new HashMap<>();
        kafkaParams.forEach((name, value) -> {
            if (names.contains(name)) {
                config.put(name, value);
            }
        });
        return config;
    }
}
