package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.DELIVERY_GUARANTEE;
import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FIELDS;
import static io.millrace.flink.table.MillraceConnectorOptions.PROPS_GROUP_ID;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_MODE;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_SPECIFIC_OFFSETS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_TIMESTAMP_MILLIS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_MODE;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_SPECIFIC_OFFSETS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_TIMESTAMP_MILLIS;
import static io.millrace.flink.table.MillraceConnectorOptions.SINK_BUFFER_FLUSH_INTERVAL;
import static io.millrace.flink.table.MillraceConnectorOptions.SINK_BUFFER_FLUSH_MAX_ROWS;
import static io.millrace.flink.table.MillraceConnectorOptions.SINK_PARTITIONER;
import static io.millrace.flink.table.MillraceConnectorOptions.STREAM;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC_PATTERN;
import static io.millrace.flink.table.MillraceConnectorOptions.TRANSACTIONAL_ID_PREFIX;

import io.millrace.flink.table.MillraceConnectorOptions.ScanBoundedMode;
import io.millrace.flink.table.MillraceConnectorOptions.ScanStartupMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;

/**
 * Checks of a table's options beyond their types, with the rules (and error wording) of Flink's
 * {@code kafka} connector: each {@link ValidationException} names the option that is missing or
 * wrong. Stateless.
 */
final class TableOptionsValidation {

    private static final Pattern OFFSET_ENTRY = Pattern.compile("partition:(-?\\d+),offset:(-?\\d+)");

    private TableOptionsValidation() {}

    /** A source reads exactly one of 'topic', 'topic-pattern' and 'stream'. */
    static void validateSourceSubscription(ReadableConfig options) {
        List<String> set = Stream.of(TOPIC, TOPIC_PATTERN, STREAM)
                .filter(option -> options.getOptional(option).isPresent())
                .map(ConfigOption::key)
                .toList();
        if (set.size() > 1) {
            throw new ValidationException("Options " + quoted(set) + " cannot be set together: set only one of"
                    + " 'topic', 'topic-pattern' and 'stream'.");
        }
        if (set.isEmpty()) {
            throw new ValidationException("One of 'topic', 'topic-pattern' and 'stream' must be set.");
        }
        options.getOptional(TOPIC_PATTERN).ifPresent(TableOptionsValidation::compile);
    }

    /** A sink writes to the one topic of 'topic'. */
    static void validateSinkTopic(ReadableConfig options) {
        for (ConfigOption<?> readOnly : List.of(TOPIC_PATTERN, STREAM)) {
            if (options.getOptional(readOnly).isPresent()) {
                throw new ValidationException("Option '" + readOnly.key() + "' cannot be used by a sink: set '"
                        + TOPIC.key() + "' to the topic to write to.");
            }
        }
        List<String> topics = options.getOptional(TOPIC)
                .orElseThrow(() -> new ValidationException(
                        "Option '" + TOPIC.key() + "' must be set to the topic a sink writes to."));
        if (topics.size() != 1) {
            throw new ValidationException(
                    "Option '" + TOPIC.key() + "' of a sink must name exactly one topic, but is " + topics + ".");
        }
    }

    static Pattern compile(String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new ValidationException(
                    "Option '" + TOPIC_PATTERN.key() + "' is not a regular expression: " + e.getMessage(), e);
        }
    }

    static void validateStartupMode(ReadableConfig options) {
        ScanStartupMode mode = options.get(SCAN_STARTUP_MODE);
        switch (mode) {
            case TIMESTAMP -> requireFor(options, SCAN_STARTUP_TIMESTAMP_MILLIS, mode, "startup");
            case SPECIFIC_OFFSETS -> {
                requireFor(options, SCAN_STARTUP_SPECIFIC_OFFSETS, mode, "startup");
                requireSingleTopic(options);
                parseSpecificOffsets(options.get(SCAN_STARTUP_SPECIFIC_OFFSETS), SCAN_STARTUP_SPECIFIC_OFFSETS.key());
            }
            case GROUP_OFFSETS -> requireFor(options, PROPS_GROUP_ID, mode, "startup");
            default -> {}
        }
    }

    static void validateBoundedMode(ReadableConfig options) {
        ScanBoundedMode mode = options.get(SCAN_BOUNDED_MODE);
        switch (mode) {
            case TIMESTAMP -> requireFor(options, SCAN_BOUNDED_TIMESTAMP_MILLIS, mode, "bounded");
            case SPECIFIC_OFFSETS -> {
                requireFor(options, SCAN_BOUNDED_SPECIFIC_OFFSETS, mode, "bounded");
                requireSingleTopic(options);
                parseSpecificOffsets(options.get(SCAN_BOUNDED_SPECIFIC_OFFSETS), SCAN_BOUNDED_SPECIFIC_OFFSETS.key());
            }
            case GROUP_OFFSETS -> requireFor(options, PROPS_GROUP_ID, mode, "bounded");
            default -> {}
        }
    }

    static void validateSinkPartitioner(ReadableConfig options) {
        String partitioner = options.get(SINK_PARTITIONER);
        if (partitioner.isBlank()) {
            throw new ValidationException("Option '" + SINK_PARTITIONER.key() + "' must not be empty.");
        }
        if (partitioner.equals(SinkPartitioners.ROUND_ROBIN)
                && !options.get(KEY_FIELDS).isEmpty()) {
            throw new ValidationException("Option '" + SINK_PARTITIONER.key() + "' = 'round-robin' only works"
                    + " without '" + KEY_FIELDS.key() + "': with a key the producer partitions by key.");
        }
    }

    static void validateDeliveryGuarantee(ReadableConfig options) {
        if (options.get(DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE
                && options.getOptional(TRANSACTIONAL_ID_PREFIX)
                        .map(String::isBlank)
                        .orElse(true)) {
            throw new ValidationException("Option '" + TRANSACTIONAL_ID_PREFIX.key() + "' must be set when '"
                    + DELIVERY_GUARANTEE.key() + "' is 'exactly-once': a prefix no other sink on the cluster uses.");
        }
    }

    /** The buffer of upsert-millrace is on when both of its options are positive, off when neither is. */
    static void validateBufferFlush(ReadableConfig options) {
        boolean rows = options.get(SINK_BUFFER_FLUSH_MAX_ROWS) > 0;
        boolean interval = options.get(SINK_BUFFER_FLUSH_INTERVAL).toMillis() > 0;
        if (rows != interval) {
            throw new ValidationException("Options '" + SINK_BUFFER_FLUSH_MAX_ROWS.key() + "' and '"
                    + SINK_BUFFER_FLUSH_INTERVAL.key() + "' must both be greater than zero to buffer, or both zero.");
        }
    }

    /**
     * Parses {@code partition:0,offset:42;partition:1,offset:300} into partition → offset.
     *
     * @param optionKey the option the text comes from, for the error
     */
    static Map<Integer, Long> parseSpecificOffsets(String text, String optionKey) {
        Map<Integer, Long> offsets = new HashMap<>();
        for (String entry : text.split(";", -1)) {
            var matcher = OFFSET_ENTRY.matcher(entry.trim());
            if (!matcher.matches()) {
                throw new ValidationException("Option '" + optionKey + "' must look like"
                        + " 'partition:0,offset:42;partition:1,offset:300', but is '" + text + "'.");
            }
            try {
                offsets.put(Integer.valueOf(matcher.group(1)), Long.valueOf(matcher.group(2)));
            } catch (NumberFormatException e) {
                throw new ValidationException(
                        "Option '" + optionKey + "' has a number out of range: '" + text + "'.", e);
            }
        }
        return offsets;
    }

    private static void requireFor(ReadableConfig options, ConfigOption<?> needed, Object mode, String kind) {
        if (options.getOptional(needed).isEmpty()) {
            throw new ValidationException(
                    "Option '" + needed.key() + "' is required in '" + mode + "' " + kind + " mode but missing.");
        }
    }

    private static void requireSingleTopic(ReadableConfig options) {
        if (options.getOptional(TOPIC).map(topics -> topics.size() != 1).orElse(true)) {
            throw new ValidationException("Specific offsets need exactly one topic in option '" + TOPIC.key() + "'.");
        }
    }

    private static String quoted(List<String> keys) {
        return String.join(", ", keys.stream().map(key -> "'" + key + "'").toList());
    }
}
