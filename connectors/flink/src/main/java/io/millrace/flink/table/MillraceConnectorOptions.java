package io.millrace.flink.table;

import static org.apache.flink.configuration.description.TextElement.text;

import java.time.Duration;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * The options of the {@code millrace} and {@code upsert-millrace} table connectors. Every option but
 * {@link #STREAM} has the name, type, default and meaning of the option of the same name of Flink's
 * {@code kafka} and {@code upsert-kafka} connectors, so a table definition moves over by changing
 * its {@code 'connector'}. Options starting with {@code properties.} go to the Kafka clients.
 */
@PublicEvolving
public final class MillraceConnectorOptions {

    /** Prefix of the options that are forwarded to the consumer, producer and admin clients. */
    public static final String PROPERTIES_PREFIX = "properties.";

    public static final ConfigOption<List<String>> TOPIC = ConfigOptions.key("topic")
            .stringType()
            .asList()
            .noDefaultValue()
            .withDescription("The topic(s) to read, separated by ';', or the one topic to write. Only one of"
                    + " 'topic', 'topic-pattern' and 'stream' may be set.");

    public static final ConfigOption<String> TOPIC_PATTERN = ConfigOptions.key("topic-pattern")
            .stringType()
            .noDefaultValue()
            .withDescription("A regular expression; a source reads every topic whose whole name matches,"
                    + " including topics created later.");

    public static final ConfigOption<List<String>> STREAM = ConfigOptions.key("stream")
            .stringType()
            .asList()
            .noDefaultValue()
            .withDescription("Millrace only: the stream(s) to read, separated by ';'. A source reads every"
                    + " topic of each stream (named '<stream>:<topic>'), including topics created later.");

    public static final ConfigOption<String> PROPS_BOOTSTRAP_SERVERS = ConfigOptions.key("properties.bootstrap.servers")
            .stringType()
            .noDefaultValue()
            .withDescription("The broker(s) to connect to.");

    public static final ConfigOption<String> PROPS_GROUP_ID = ConfigOptions.key("properties.group.id")
            .stringType()
            .noDefaultValue()
            .withDescription("The consumer group of a source: its committed offsets mirror the checkpoints.");

    public static final ConfigOption<String> KEY_FORMAT = ConfigOptions.key("key" + FactoryUtil.FORMAT_SUFFIX)
            .stringType()
            .noDefaultValue()
            .withDescription("The format of record keys.");

    public static final ConfigOption<String> VALUE_FORMAT = ConfigOptions.key("value" + FactoryUtil.FORMAT_SUFFIX)
            .stringType()
            .noDefaultValue()
            .withDescription("The format of record values.");

    public static final ConfigOption<List<String>> KEY_FIELDS = ConfigOptions.key("key.fields")
            .stringType()
            .asList()
            .defaultValues()
            .withDescription("The physical columns, separated by ';', that make the record key.");

    public static final ConfigOption<ValueFieldsStrategy> VALUE_FIELDS_INCLUDE = ConfigOptions.key(
                    "value.fields-include")
            .enumType(ValueFieldsStrategy.class)
            .defaultValue(ValueFieldsStrategy.ALL)
            .withDescription("Whether the value holds every physical column (ALL) or all but the key"
                    + " columns (EXCEPT_KEY).");

    public static final ConfigOption<String> KEY_FIELDS_PREFIX = ConfigOptions.key("key.fields-prefix")
            .stringType()
            .noDefaultValue()
            .withDescription("A prefix of the key columns' names that the key format does not see; needs"
                    + " 'value.fields-include' = 'EXCEPT_KEY'.");

    public static final ConfigOption<Integer> SCAN_PARALLELISM = FactoryUtil.SOURCE_PARALLELISM;

    public static final ConfigOption<Integer> SINK_PARALLELISM = FactoryUtil.SINK_PARALLELISM;

    public static final ConfigOption<ScanStartupMode> SCAN_STARTUP_MODE = ConfigOptions.key("scan.startup.mode")
            .enumType(ScanStartupMode.class)
            .defaultValue(ScanStartupMode.GROUP_OFFSETS)
            .withDescription("Where a source starts reading.");

    public static final ConfigOption<String> SCAN_STARTUP_SPECIFIC_OFFSETS = ConfigOptions.key(
                    "scan.startup.specific-offsets")
            .stringType()
            .noDefaultValue()
            .withDescription("The offsets of the 'specific-offsets' startup mode, as"
                    + " 'partition:0,offset:42;partition:1,offset:300'.");

    public static final ConfigOption<Long> SCAN_STARTUP_TIMESTAMP_MILLIS = ConfigOptions.key(
                    "scan.startup.timestamp-millis")
            .longType()
            .noDefaultValue()
            .withDescription("The timestamp (epoch milliseconds) of the 'timestamp' startup mode.");

    public static final ConfigOption<ScanBoundedMode> SCAN_BOUNDED_MODE = ConfigOptions.key("scan.bounded.mode")
            .enumType(ScanBoundedMode.class)
            .defaultValue(ScanBoundedMode.UNBOUNDED)
            .withDescription("Where a source stops reading; any mode but 'unbounded' makes a bounded source.");

    public static final ConfigOption<String> SCAN_BOUNDED_SPECIFIC_OFFSETS = ConfigOptions.key(
                    "scan.bounded.specific-offsets")
            .stringType()
            .noDefaultValue()
            .withDescription("The offsets of the 'specific-offsets' bounded mode, as"
                    + " 'partition:0,offset:42;partition:1,offset:300'.");

    public static final ConfigOption<Long> SCAN_BOUNDED_TIMESTAMP_MILLIS = ConfigOptions.key(
                    "scan.bounded.timestamp-millis")
            .longType()
            .noDefaultValue()
            .withDescription("The timestamp (epoch milliseconds) of the 'timestamp' bounded mode.");

    public static final ConfigOption<Duration> SCAN_TOPIC_PARTITION_DISCOVERY = ConfigOptions.key(
                    "scan.topic-partition-discovery.interval")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("How often a source looks for new topics and partitions; 0 turns it off.");

    public static final ConfigOption<String> SINK_PARTITIONER = ConfigOptions.key("sink.partitioner")
            .stringType()
            .defaultValue("default")
            .withDescription("'default' (the producer's partitioner), 'fixed' (writer i writes to partition"
                    + " i mod partitions), 'round-robin' (no key: the producer spreads records), or the"
                    + " name of a class implementing io.millrace.flink.sink.MillracePartitioner.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = ConfigOptions.key(
                    "sink.delivery-guarantee")
            .enumType(DeliveryGuarantee.class)
            .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
            .withDescription("'none', 'at-least-once' or 'exactly-once'.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("sink.transactional-id-prefix")
            .stringType()
            .noDefaultValue()
            .withDescription("The prefix of the sink's transactional ids; required for 'exactly-once', unique"
                    + " per sink and stable across restarts.");

    public static final ConfigOption<Integer> SINK_BUFFER_FLUSH_MAX_ROWS = ConfigOptions.key(
                    "sink.buffer-flush.max-rows")
            .intType()
            .defaultValue(0)
            .withDescription("upsert-millrace: how many keys the sink buffers, keeping each key's last row,"
                    + " before it writes them; 0 turns the buffer off. Needs 'sink.buffer-flush.interval'.");

    public static final ConfigOption<Duration> SINK_BUFFER_FLUSH_INTERVAL = ConfigOptions.key(
                    "sink.buffer-flush.interval")
            .durationType()
            .defaultValue(Duration.ZERO)
            .withDescription("upsert-millrace: the longest a row waits in the buffer; 0 turns the buffer off."
                    + " Needs 'sink.buffer-flush.max-rows'.");

    /** Which physical columns the value format sees. */
    public enum ValueFieldsStrategy {
        ALL,
        EXCEPT_KEY
    }

    /** Where a source starts reading. */
    public enum ScanStartupMode implements DescribedEnum {
        EARLIEST_OFFSET("earliest-offset", "The first offset each partition still holds."),
        LATEST_OFFSET("latest-offset", "The end of each partition."),
        GROUP_OFFSETS(
                "group-offsets",
                "The committed offsets of 'properties.group.id'; 'properties.auto.offset.reset' decides"
                        + " for partitions without one (none: fail)."),
        TIMESTAMP("timestamp", "The first record at or after 'scan.startup.timestamp-millis'."),
        SPECIFIC_OFFSETS("specific-offsets", "The offsets of 'scan.startup.specific-offsets'.");

        private final String value;
        private final String description;

        ScanStartupMode(String value, String description) {
            this.value = value;
            this.description = description;
        }

        @Override
        public String toString() {
            return value;
        }

        @Override
        public InlineElement getDescription() {
            return text(description);
        }
    }

    /** Where a source stops reading. */
    public enum ScanBoundedMode implements DescribedEnum {
        UNBOUNDED("unbounded", "Never: the source runs until the job is cancelled."),
        LATEST_OFFSET("latest-offset", "The end each partition has when the source first sees it."),
        GROUP_OFFSETS("group-offsets", "The committed offsets of 'properties.group.id'."),
        TIMESTAMP("timestamp", "The first record at or after 'scan.bounded.timestamp-millis'."),
        SPECIFIC_OFFSETS(
                "specific-offsets",
                "The offsets of 'scan.bounded.specific-offsets'; a partition not listed stops at its"
                        + " committed offset, or else at its earliest.");

        private final String value;
        private final String description;

        ScanBoundedMode(String value, String description) {
            this.value = value;
            this.description = description;
        }

        @Override
        public String toString() {
            return value;
        }

        @Override
        public InlineElement getDescription() {
            return text(description);
        }
    }

    private MillraceConnectorOptions() {}
}
