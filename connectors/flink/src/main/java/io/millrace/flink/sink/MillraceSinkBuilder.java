package io.millrace.flink.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.java.ClosureCleaner;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link MillraceSink}. The methods and their meanings are those of {@code KafkaSinkBuilder}
 * of Flink's Kafka connector (5.0). {@link #build()} checks everything and names the setting that is
 * missing or wrong.
 *
 * <p>Defaults: {@link DeliveryGuarantee#NONE} (as {@code KafkaSink}); for
 * {@link DeliveryGuarantee#EXACTLY_ONCE} {@code transaction.timeout.ms} is one hour, the most
 * Millrace's broker allows by default ({@code transaction.max.timeout.ms}). That timeout bounds how
 * long a pre-committed transaction may wait for its commit: longer than the checkpoint interval plus
 * the longest time the job may be down before it restarts, or the broker aborts the transaction and
 * its records are lost.
 *
 * <p>Not thread-safe; use it from one thread.
 *
 * @param <IN> the type of the sink's elements
 */
@PublicEvolving
public final class MillraceSinkBuilder<IN> {

    /** {@code transaction.timeout.ms} unless set: the default {@code transaction.max.timeout.ms} of the broker. */
    static final long DEFAULT_TRANSACTION_TIMEOUT_MS = Duration.ofHours(1).toMillis();

    /** Below this (Kafka's default {@code transaction.max.timeout.ms}) a job outage soon loses data: warn. */
    private static final long SHORT_TRANSACTION_TIMEOUT_MS =
            Duration.ofMinutes(15).toMillis();

    /** Room in a transactional id (at most 32767 bytes on the wire) for {@code -<space>-<n>}. */
    private static final int MAX_PREFIX_BYTES = Short.MAX_VALUE - 24;

    private static final Logger log = LoggerFactory.getLogger(MillraceSinkBuilder.class);

    private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.NONE;
    private String transactionalIdPrefix;
    private MillraceRecordSerializationSchema<IN> recordSerializer;
    private final Properties properties = new Properties();

    MillraceSinkBuilder() {}

    /** The broker(s) to connect to: {@code bootstrap.servers}. Required. */
    public MillraceSinkBuilder<IN> setBootstrapServers(String bootstrapServers) {
        return setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** Turns elements into records. Required. */
    public MillraceSinkBuilder<IN> setRecordSerializer(MillraceRecordSerializationSchema<IN> recordSerializer) {
        this.recordSerializer = Objects.requireNonNull(recordSerializer, "setRecordSerializer: serializer");
        ClosureCleaner.clean(recordSerializer, ExecutionConfig.ClosureCleanerLevel.RECURSIVE, true);
        return this;
    }

    /**
     * What the sink promises: {@link DeliveryGuarantee#NONE} (records may be lost on failure),
     * {@link DeliveryGuarantee#AT_LEAST_ONCE} (every checkpoint waits for the broker's acknowledgement
     * of all records before it; a restore may write some again) or
     * {@link DeliveryGuarantee#EXACTLY_ONCE} (records go into transactions committed when their
     * checkpoint completes; readers with {@code isolation.level=read_committed} see each once).
     */
    public MillraceSinkBuilder<IN> setDeliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
        this.deliveryGuarantee = Objects.requireNonNull(deliveryGuarantee, "setDeliveryGuarantee: guarantee");
        return this;
    }

    /**
     * The prefix of the sink's transactional ids ({@code <prefix>-<subtask>-<n>}); required for
     * {@link DeliveryGuarantee#EXACTLY_ONCE}. No other sink on the cluster may use it, and it should
     * stay the same across restarts of the job: on start the sink aborts the transactions of this
     * prefix that an earlier run left open.
     */
    public MillraceSinkBuilder<IN> setTransactionalIdPrefix(String transactionalIdPrefix) {
        this.transactionalIdPrefix = Objects.requireNonNull(transactionalIdPrefix, "setTransactionalIdPrefix: prefix");
        return this;
    }

    /** Producer properties, added to those set before. */
    public MillraceSinkBuilder<IN> setKafkaProducerConfig(Properties props) {
        Objects.requireNonNull(props, "setKafkaProducerConfig: properties");
        for (Map.Entry<Object, Object> entry : props.entrySet()) {
            Object value = entry.getValue();
            setProperty(
                    String.valueOf(entry.getKey()),
                    value instanceof Class<?> type ? type.getName() : String.valueOf(value));
        }
        return this;
    }

    /** One producer property. */
    public MillraceSinkBuilder<IN> setProperty(String key, String value) {
        properties.setProperty(
                Objects.requireNonNull(key, "setProperty: key"),
                Objects.requireNonNull(value, "setProperty: value of " + key));
        return this;
    }

    /**
     * The sink.
     *
     * @throws IllegalStateException naming the setting that is missing or wrong
     */
    public MillraceSink<IN> build() {
        Properties config = new Properties();
        config.putAll(properties);
        validate(config);
        config.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            config.putIfAbsent(
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(DEFAULT_TRANSACTION_TIMEOUT_MS));
            warnIfShort(Long.parseLong(config.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)));
        }
        return new MillraceSink<>(
                deliveryGuarantee,
                config,
                deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE ? transactionalIdPrefix : null,
                recordSerializer);
    }

    private void validate(Properties config) {
        String bootstrap = config.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalStateException("Property bootstrap.servers is required: set it with setBootstrapServers");
        }
        if (recordSerializer == null) {
            throw new IllegalStateException("A record serializer is required: call setRecordSerializer");
        }
        requireByteArraySerializer(config, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        requireByteArraySerializer(config, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        if (config.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
            throw new IllegalStateException("Property transactional.id cannot be set: the sink names its"
                    + " transactions itself, from setTransactionalIdPrefix");
        }
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            validateExactlyOnce(config);
        }
    }

    private void validateExactlyOnce(Properties config) {
        if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
            throw new IllegalStateException("EXACTLY_ONCE needs a transactional id prefix: call"
                    + " setTransactionalIdPrefix with a prefix no other sink on the cluster uses");
        }
        if (transactionalIdPrefix.getBytes(StandardCharsets.UTF_8).length > MAX_PREFIX_BYTES) {
            throw new IllegalStateException(
                    "setTransactionalIdPrefix: the prefix is longer than " + MAX_PREFIX_BYTES + " bytes");
        }
        String timeout = config.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        if (timeout != null) {
            long ms;
            try {
                ms = Long.parseLong(timeout.trim());
            } catch (NumberFormatException e) {
                ms = -1;
            }
            if (ms <= 0 || ms > Integer.MAX_VALUE) {
                throw new IllegalStateException("Property transaction.timeout.ms must be a positive number of"
                        + " milliseconds (longer than the checkpoint interval plus the longest outage of the"
                        + " job), was '" + timeout + "'");
            }
            config.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(ms));
        }
        String idempotence = config.getProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotence != null && !idempotence.trim().equalsIgnoreCase("true")) {
            throw new IllegalStateException(
                    "Property enable.idempotence must be true for EXACTLY_ONCE (transactions need it), was '"
                            + idempotence + "'");
        }
        String acks = config.getProperty(ProducerConfig.ACKS_CONFIG);
        if (acks != null
                && !acks.trim().toLowerCase(Locale.ROOT).equals("all")
                && !acks.trim().equals("-1")) {
            throw new IllegalStateException(
                    "Property acks must be all for EXACTLY_ONCE (transactions need it), was '" + acks + "'");
        }
    }

    private static void warnIfShort(long transactionTimeoutMs) {
        if (transactionTimeoutMs < SHORT_TRANSACTION_TIMEOUT_MS) {
            log.warn(
                    "transaction.timeout.ms={} ms: the broker aborts a pre-committed transaction, and its records"
                            + " are lost, if the job does not commit it within that time. It must exceed the"
                            + " checkpoint interval plus the longest time the job may be down or restarting.",
                    transactionTimeoutMs);
        }
    }

    private static void requireByteArraySerializer(Properties config, String key) {
        String value = config.getProperty(key);
        if (value != null && !value.trim().equals(ByteArraySerializer.class.getName())) {
            throw new IllegalStateException("Property " + key + " must be " + ByteArraySerializer.class.getName()
                    + " (elements are serialized by setRecordSerializer), was '" + value + "'");
        }
    }
}
