package io.millrace.flink.source;

import io.millrace.flink.source.enumerator.initializer.NoStoppingOffsetsInitializer;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializerValidator;
import io.millrace.flink.source.enumerator.subscriber.MillraceSubscriber;
import io.millrace.flink.source.enumerator.subscriber.StreamNames;
import io.millrace.flink.source.reader.deserializer.MillraceRecordDeserializationSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Builds a {@link MillraceSource}. The methods and their meanings are those of
 * {@code KafkaSourceBuilder} of Flink's Kafka connector (5.0), plus {@link #setStreams}. Exactly
 * one of {@link #setTopics}, {@link #setTopicPattern}, {@link #setPartitions} and
 * {@link #setStreams} says what to read. {@link #build()} checks everything and names the setting
 * that is missing or wrong.
 *
 * <p>Defaults: start at the earliest offsets, unbounded, partition discovery every 5 minutes,
 * {@code isolation.level=read_committed}, offsets committed to the group on checkpoints when a
 * group id is set, topics never created by the source's clients.
 *
 * <p>Not thread-safe; use it from one thread.
 */
@PublicEvolving
public final class MillraceSourceBuilder<T> {

    private static final Set<String> ISOLATION_LEVELS = Set.of("read_committed", "read_uncommitted");

    private MillraceSubscriber subscriber;
    private OffsetsInitializer startingOffsets = OffsetsInitializer.earliest();
    private OffsetsInitializer stoppingOffsets = new NoStoppingOffsetsInitializer();
    private Boundedness boundedness = Boundedness.CONTINUOUS_UNBOUNDED;
    private MillraceRecordDeserializationSchema<T> deserializer;
    private final Properties properties = new Properties();

    MillraceSourceBuilder() {}

    /** The broker(s) to connect to: {@code bootstrap.servers}. Required. */
    public MillraceSourceBuilder<T> setBootstrapServers(String bootstrapServers) {
        return setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** The consumer group offsets are committed to, and read from for committed starting offsets. */
    public MillraceSourceBuilder<T> setGroupId(String groupId) {
        return setProperty(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }

    /** Reads every partition of these topics (names may be {@code stream:topic}). */
    public MillraceSourceBuilder<T> setTopics(List<String> topics) {
        requireNoSubscription("topics");
        topics.forEach(topic -> requireNonBlank(topic, "setTopics: a topic name"));
        subscriber = MillraceSubscriber.topics(topics);
        return this;
    }

    /** Reads every partition of these topics (names may be {@code stream:topic}). */
    public MillraceSourceBuilder<T> setTopics(String... topics) {
        return setTopics(Arrays.asList(topics));
    }

    /** Reads every topic whose whole name matches, including topics created later (discovery). */
    public MillraceSourceBuilder<T> setTopicPattern(Pattern topicPattern) {
        requireNoSubscription("topic pattern");
        subscriber = MillraceSubscriber.topicPattern(Objects.requireNonNull(topicPattern, "setTopicPattern: pattern"));
        return this;
    }

    /** Reads exactly these partitions. */
    public MillraceSourceBuilder<T> setPartitions(Set<TopicPartition> partitions) {
        requireNoSubscription("partitions");
        subscriber = MillraceSubscriber.partitions(Objects.requireNonNull(partitions, "setPartitions: partitions"));
        return this;
    }

    /**
     * Reads every topic of these Millrace streams (the topics named {@code stream:topic}),
     * including topics created in them while the job runs: they are found by partition discovery
     * ({@code partition.discovery.interval.ms}) and read from their earliest offset.
     *
     * @throws IllegalArgumentException when a stream name is not legal
     */
    public MillraceSourceBuilder<T> setStreams(String... streams) {
        requireNoSubscription("streams");
        if (streams.length == 0) {
            throw new IllegalArgumentException("setStreams: name at least one stream");
        }
        for (String stream : streams) {
            try {
                StreamNames.validate(stream);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setStreams: " + e.getMessage(), e);
            }
        }
        subscriber = MillraceSubscriber.streams(Arrays.asList(streams));
        return this;
    }

    /** Where reading starts in partitions found at the job's start; default earliest. */
    public MillraceSourceBuilder<T> setStartingOffsets(OffsetsInitializer startingOffsets) {
        this.startingOffsets = startingOffsets;
        return this;
    }

    /**
     * Runs as a streaming source that still stops reading each partition at the given offsets;
     * the job keeps running.
     */
    public MillraceSourceBuilder<T> setUnbounded(OffsetsInitializer stoppingOffsets) {
        this.boundedness = Boundedness.CONTINUOUS_UNBOUNDED;
        this.stoppingOffsets = stoppingOffsets;
        return this;
    }

    /**
     * Runs as a bounded source: each partition is read up to the given offsets (for
     * {@link OffsetsInitializer#latest()}, the end a {@code read_committed} reader sees when the job
     * starts) and the source finishes. Partition discovery is off.
     */
    public MillraceSourceBuilder<T> setBounded(OffsetsInitializer stoppingOffsets) {
        this.boundedness = Boundedness.BOUNDED;
        this.stoppingOffsets = stoppingOffsets;
        return this;
    }

    /** Turns whole records into elements. */
    public MillraceSourceBuilder<T> setDeserializer(MillraceRecordDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Turns record values into elements; keys and headers are ignored. */
    public MillraceSourceBuilder<T> setValueOnlyDeserializer(DeserializationSchema<T> valueSchema) {
        this.deserializer = MillraceRecordDeserializationSchema.valueOnly(
                Objects.requireNonNull(valueSchema, "setValueOnlyDeserializer: schema"));
        return this;
    }

    /** Prefix of the client ids: {@code <prefix>-<subtask>} and {@code <prefix>-enumerator}. */
    public MillraceSourceBuilder<T> setClientIdPrefix(String prefix) {
        return setProperty(MillraceSourceOptions.CLIENT_ID_PREFIX.key(), prefix);
    }

    /** A consumer property or one of {@link MillraceSourceOptions}. */
    public MillraceSourceBuilder<T> setProperty(String key, String value) {
        properties.setProperty(
                Objects.requireNonNull(key, "setProperty: key"),
                Objects.requireNonNull(value, "setProperty: value of " + key));
        return this;
    }

    /** Consumer properties and {@link MillraceSourceOptions}, added to those set before. */
    public MillraceSourceBuilder<T> setProperties(Properties properties) {
        properties.stringPropertyNames().forEach(key -> setProperty(key, properties.getProperty(key)));
        return this;
    }

    /**
     * The source.
     *
     * @throws IllegalStateException naming the setting that is missing or wrong
     */
    public MillraceSource<T> build() {
        Properties props = new Properties();
        props.putAll(properties);
        validate(props);
        applyDefaults(props);
        return new MillraceSource<>(subscriber, startingOffsets, stoppingOffsets, boundedness, deserializer, props);
    }

    private void validate(Properties props) {
        if (isBlank(props.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG))) {
            throw new IllegalStateException("Property bootstrap.servers is required: set it with setBootstrapServers");
        }
        if (subscriber == null) {
            throw new IllegalStateException(
                    "Nothing to read: call one of setTopics, setTopicPattern, setPartitions or setStreams");
        }
        if (deserializer == null) {
            throw new IllegalStateException(
                    "A deserializer is required: call setDeserializer or setValueOnlyDeserializer");
        }
        if (startingOffsets == null) {
            throw new IllegalStateException("setStartingOffsets: the starting offsets must not be null");
        }
        if (stoppingOffsets == null) {
            throw new IllegalStateException("setBounded/setUnbounded: the stopping offsets must not be null");
        }
        if (props.containsKey(ConsumerConfig.GROUP_ID_CONFIG)
                && isBlank(props.getProperty(ConsumerConfig.GROUP_ID_CONFIG))) {
            throw new IllegalStateException("Property group.id (setGroupId) must not be blank");
        }
        requireLong(props, MillraceSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key());
        requireBoolean(props, MillraceSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key());
        requireBoolean(props, MillraceSourceOptions.REGISTER_CONSUMER_METRICS.key());
        requireBoolean(props, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
        if (!props.containsKey(ConsumerConfig.GROUP_ID_CONFIG) && commitsRequested(props)) {
            throw new IllegalStateException("Property group.id (setGroupId) is required when "
                    + MillraceSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key() + " or enable.auto.commit is true");
        }
        String isolation = props.getProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        if (isolation != null && !ISOLATION_LEVELS.contains(isolation.trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException(
                    "Property isolation.level must be read_committed or read_uncommitted, was '" + isolation + "'");
        }
        requireByteArrayDeserializer(props, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        requireByteArrayDeserializer(props, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        for (OffsetsInitializer offsets : List.of(startingOffsets, stoppingOffsets)) {
            if (offsets instanceof OffsetsInitializerValidator validator) {
                validator.validate(props);
            }
        }
    }

    private void applyDefaults(Properties props) {
        props.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a source reads what exists; a deleted topic must not come back because a reader asked for it
        props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // an offset the log no longer holds (retention) resumes as the starting offsets say
        props.setProperty(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                startingOffsets.getAutoOffsetResetStrategy().consumerValue());
        if (!props.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            props.setProperty(MillraceSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "false");
        }
        if (boundedness == Boundedness.BOUNDED) {
            props.setProperty(MillraceSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(), "-1");
        }
        props.putIfAbsent(
                MillraceSourceOptions.CLIENT_ID_PREFIX.key(),
                props.getProperty(ConsumerConfig.GROUP_ID_CONFIG, "MillraceSource-" + UUID.randomUUID()));
    }

    private void requireNoSubscription(String attempted) {
        if (subscriber != null) {
            throw new IllegalStateException("Cannot read " + attempted + ": the source already reads " + subscriber
                    + "; choose one of " + "setTopics, setTopicPattern, setPartitions and setStreams");
        }
    }

    private static boolean commitsRequested(Properties props) {
        return Boolean.parseBoolean(props.getProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                        .trim())
                || Boolean.parseBoolean(
                        props.getProperty(MillraceSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "false")
                                .trim());
    }

    private static void requireLong(Properties props, String key) {
        String value = props.getProperty(key);
        if (value == null) {
            return;
        }
        try {
            Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "Property " + key + " must be a number of milliseconds, was '" + value + "'", e);
        }
    }

    private static void requireBoolean(Properties props, String key) {
        String value = props.getProperty(key);
        if (value != null
                && !value.trim().equalsIgnoreCase("true")
                && !value.trim().equalsIgnoreCase("false")) {
            throw new IllegalStateException("Property " + key + " must be true or false, was '" + value + "'");
        }
    }

    private static void requireByteArrayDeserializer(Properties props, String key) {
        String value = props.getProperty(key);
        if (value != null && !value.trim().equals(ByteArrayDeserializer.class.getName())) {
            throw new IllegalStateException("Property " + key + " must be " + ByteArrayDeserializer.class.getName()
                    + " (records are deserialized by setDeserializer), was '" + value + "'");
        }
    }

    private static void requireNonBlank(String value, String what) {
        if (isBlank(value)) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
