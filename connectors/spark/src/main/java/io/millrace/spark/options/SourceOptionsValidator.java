package io.millrace.spark.options;

import static io.millrace.spark.options.OptionNames.ASSIGN;
import static io.millrace.spark.options.OptionNames.ENDING_OFFSETS;
import static io.millrace.spark.options.OptionNames.ENDING_OFFSETS_BY_TIMESTAMP;
import static io.millrace.spark.options.OptionNames.GROUP_ID_PREFIX;
import static io.millrace.spark.options.OptionNames.KAFKA_PREFIX;
import static io.millrace.spark.options.OptionNames.MAX_OFFSETS_PER_TRIGGER;
import static io.millrace.spark.options.OptionNames.MAX_RECORDS_PER_PARTITION;
import static io.millrace.spark.options.OptionNames.MAX_TRIGGER_DELAY;
import static io.millrace.spark.options.OptionNames.MIN_OFFSETS_PER_TRIGGER;
import static io.millrace.spark.options.OptionNames.MIN_PARTITIONS;
import static io.millrace.spark.options.OptionNames.STRATEGIES;
import static io.millrace.spark.options.OptionNames.STREAM;
import static io.millrace.spark.options.OptionNames.SUBSCRIBE;
import static io.millrace.spark.options.OptionNames.SUBSCRIBE_PATTERN;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a query's options the way spark-sql-kafka-0-10 does, in the same order and with the
 * same messages, so that an invalid set of options fails with the error a Kafka user knows.
 * Stateless.
 */
public final class SourceOptionsValidator {

    private static final Logger LOG = LoggerFactory.getLogger(SourceOptionsValidator.class);
    private static final String STRATEGY_LIST = String.join(", ", STRATEGIES);

    private SourceOptionsValidator() {}

    /** Checks what holds for batch and streaming reads alike. */
    public static void validateGeneral(SourceOptions options) {
        List<Map.Entry<String, String>> strategies = options.all().entrySet().stream()
                .filter(e -> STRATEGIES.contains(e.getKey()))
                .toList();
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("One of the following options must be specified for Kafka source: "
                    + STRATEGY_LIST + ". See the docs for more details.");
        }
        if (strategies.size() > 1) {
            throw new IllegalArgumentException("Only one of the following options can be specified for Kafka source: "
                    + STRATEGY_LIST + ". See the docs for more details.");
        }
        validateStrategy(strategies.get(0).getKey(), strategies.get(0).getValue());

        if (options.intOption(MIN_PARTITIONS).map(p -> p <= 0).orElse(false)) {
            throw new IllegalArgumentException("minPartitions must be positive");
        }
        if (options.longOption(MAX_RECORDS_PER_PARTITION).map(p -> p <= 0).orElse(false)) {
            throw new IllegalArgumentException(MAX_RECORDS_PER_PARTITION + " must be positive");
        }
        validateKafkaParams(options);
        if (options.contains(MIN_OFFSETS_PER_TRIGGER) && options.contains(MAX_OFFSETS_PER_TRIGGER)) {
            long min = options.longOption(MIN_OFFSETS_PER_TRIGGER).orElseThrow();
            long max = options.longOption(MAX_OFFSETS_PER_TRIGGER).orElseThrow();
            if (min > max) {
                throw new IllegalArgumentException("The value of minOffsetPerTrigger(" + min
                        + ") is higher than the maxOffsetsPerTrigger(" + max + ").");
            }
        }
    }

    /** Checks a batch read: no start at latest, no end at earliest, then the general rules. */
    public static void validateBatch(SourceOptions options) {
        OffsetLimit start = OffsetLimits.starting(options, new OffsetLimit.Earliest());
        if (start instanceof OffsetLimit.Latest) {
            throw new IllegalArgumentException("starting offset can't be latest for batch queries on Kafka");
        }
        if (start instanceof OffsetLimit.SpecificOffsets specific) {
            specific.offsets().forEach((partition, offset) -> {
                if (offset == OffsetLimit.LATEST) {
                    throw new IllegalArgumentException(
                            "startingOffsets for " + partition + " can't be latest for batch queries on Kafka");
                }
            });
        }
        OffsetLimit end = OffsetLimits.ending(options);
        if (end instanceof OffsetLimit.Earliest) {
            throw new IllegalArgumentException("ending offset can't be earliest for batch queries on Kafka");
        }
        if (end instanceof OffsetLimit.SpecificOffsets specific) {
            specific.offsets().forEach((partition, offset) -> {
                if (offset == OffsetLimit.EARLIEST) {
                    throw new IllegalArgumentException(
                            "ending offset for " + partition + " can't be earliest for batch queries on Kafka");
                }
            });
        }
        validateGeneral(options);
        for (String ignored : List.of(MAX_OFFSETS_PER_TRIGGER, MIN_OFFSETS_PER_TRIGGER, MAX_TRIGGER_DELAY)) {
            if (options.contains(ignored)) {
                LOG.warn("{} option ignored in batch queries", ignored);
            }
        }
    }

    /** Checks a streaming read: no ending offsets, then the general rules. */
    public static void validateStream(SourceOptions options) {
        if (options.contains(ENDING_OFFSETS)) {
            throw new IllegalArgumentException("ending offset not valid in streaming queries");
        }
        if (options.contains(ENDING_OFFSETS_BY_TIMESTAMP)) {
            throw new IllegalArgumentException("ending timestamp not valid in streaming queries");
        }
        validateGeneral(options);
    }

    private static void validateStrategy(String strategy, String value) {
        switch (strategy) {
            case ASSIGN -> {
                if (!value.trim().startsWith("{")) {
                    throw new IllegalArgumentException(
                            "No topicpartitions to assign as specified value for option 'assign' is '" + value + "'");
                }
            }
            case SUBSCRIBE -> {
                if (TopicLists.split(value).isEmpty()) {
                    throw new IllegalArgumentException(
                            "No topics to subscribe to as specified value for option 'subscribe' is '" + value + "'");
                }
            }
            case SUBSCRIBE_PATTERN -> {
                if (value.trim().isEmpty()) {
                    throw new IllegalArgumentException(
                            "Pattern to subscribe is empty as specified value for option 'subscribePattern' is '"
                                    + value + "'");
                }
            }
            case STREAM -> {
                List<String> streams = TopicLists.split(value);
                if (streams.isEmpty()) {
                    throw new IllegalArgumentException(
                            "No streams to read as specified value for option 'stream' is '" + value + "'");
                }
                streams.forEach(StreamNames::validate);
            }
            default -> throw new IllegalArgumentException("Unknown option");
        }
    }

    private static void validateKafkaParams(SourceOptions options) {
        if (options.contains(KAFKA_PREFIX + ConsumerConfig.GROUP_ID_CONFIG)) {
            LOG.warn(SourceErrors.CUSTOM_GROUP_ID);
            if (options.contains(GROUP_ID_PREFIX)) {
                LOG.warn("Option groupIdPrefix will be ignored as option kafka.group.id has been set.");
            }
        }
        if (options.contains(KAFKA_PREFIX + ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)) {
            throw new IllegalArgumentException("""

                    Kafka option 'auto.offset.reset' is not supported.
                    Instead set the source option 'startingoffsets' to 'earliest' or 'latest'
                    to specify where to start. Structured Streaming manages which offsets are consumed
                    internally, rather than relying on the kafkaConsumer to do it. This will ensure that no
                    data is missed when new topics/partitions are dynamically subscribed. Note that
                    'startingoffsets' only applies when a new Streaming query is started, and
                    that resuming will always pick up from where the query left off. See the docs for more
                    details.
                    """);
        }
        if (options.contains(KAFKA_PREFIX + ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)) {
            throw new IllegalArgumentException("Kafka option 'key.deserializer' is not supported as keys are"
                    + " deserialized as byte arrays with ByteArrayDeserializer. Use DataFrame operations to"
                    + " explicitly deserialize the keys.");
        }
        if (options.contains(KAFKA_PREFIX + ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)) {
            throw new IllegalArgumentException("Kafka option 'value.deserializer' is not supported as values are"
                    + " deserialized as byte arrays with ByteArrayDeserializer. Use DataFrame operations to"
                    + " explicitly deserialize the values.");
        }
        for (String unsupported :
                List.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG)) {
            if (options.contains(KAFKA_PREFIX + unsupported)) {
                throw new IllegalArgumentException("Kafka option '" + unsupported + "' is not supported");
            }
        }
        if (!options.contains(KAFKA_PREFIX + ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException(
                    "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka consumer");
        }
    }
}
