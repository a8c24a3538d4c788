package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_MODE;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_SPECIFIC_OFFSETS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_BOUNDED_TIMESTAMP_MILLIS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_MODE;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_SPECIFIC_OFFSETS;
import static io.millrace.flink.table.MillraceConnectorOptions.SCAN_STARTUP_TIMESTAMP_MILLIS;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC;

import io.millrace.flink.source.enumerator.initializer.OffsetResetStrategy;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import javax.annotation.Nullable;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The starting and stopping offsets that a table's {@code scan.startup.*} and {@code scan.bounded.*}
 * options describe (validated before by {@link TableOptionsValidation}). Stateless.
 */
final class OffsetsOptions {

    private OffsetsOptions() {}

    /**
     * Where the source starts; for {@code group-offsets}, partitions without a committed offset start
     * as {@code properties.auto.offset.reset} says (default: the read fails).
     */
    static OffsetsInitializer startingOffsets(ReadableConfig options, Properties clientProperties) {
        return switch (options.get(SCAN_STARTUP_MODE)) {
            case EARLIEST_OFFSET -> OffsetsInitializer.earliest();
            case LATEST_OFFSET -> OffsetsInitializer.latest();
            case GROUP_OFFSETS -> OffsetsInitializer.committedOffsets(resetStrategy(clientProperties));
            case TIMESTAMP -> OffsetsInitializer.timestamp(options.get(SCAN_STARTUP_TIMESTAMP_MILLIS));
            case SPECIFIC_OFFSETS ->
                OffsetsInitializer.offsets(specificOffsets(options, SCAN_STARTUP_SPECIFIC_OFFSETS));
        };
    }

    /** Where a bounded source stops, or {@code null} for an unbounded one. */
    @Nullable
    static OffsetsInitializer stoppingOffsets(ReadableConfig options) {
        return switch (options.get(SCAN_BOUNDED_MODE)) {
            case UNBOUNDED -> null;
            case LATEST_OFFSET -> OffsetsInitializer.latest();
            case GROUP_OFFSETS -> OffsetsInitializer.committedOffsets();
            case TIMESTAMP -> OffsetsInitializer.timestamp(options.get(SCAN_BOUNDED_TIMESTAMP_MILLIS));
            case SPECIFIC_OFFSETS ->
                OffsetsInitializer.offsets(specificOffsets(options, SCAN_BOUNDED_SPECIFIC_OFFSETS));
        };
    }

    private static Map<TopicPartition, Long> specificOffsets(ReadableConfig options, ConfigOption<String> option) {
        String topic = options.get(TOPIC).get(0);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        TableOptionsValidation.parseSpecificOffsets(options.get(option), option.key())
                .forEach((partition, offset) -> offsets.put(new TopicPartition(topic, partition), offset));
        return offsets;
    }

    private static OffsetResetStrategy resetStrategy(Properties clientProperties) {
        String reset = clientProperties.getProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        try {
            return OffsetResetStrategy.valueOf(reset.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Option 'properties." + ConsumerConfig.AUTO_OFFSET_RESET_CONFIG
                            + "' must be earliest, latest or none, but is '" + reset + "'.",
                    e);
        }
    }
}
