package io.millrace.spark.options;

import static io.millrace.spark.options.OptionNames.ENDING_OFFSETS;
import static io.millrace.spark.options.OptionNames.ENDING_OFFSETS_BY_TIMESTAMP;
import static io.millrace.spark.options.OptionNames.ENDING_TIMESTAMP;
import static io.millrace.spark.options.OptionNames.STARTING_OFFSETS;
import static io.millrace.spark.options.OptionNames.STARTING_OFFSETS_BY_TIMESTAMP;
import static io.millrace.spark.options.OptionNames.STARTING_OFFSETS_BY_TIMESTAMP_STRATEGY;
import static io.millrace.spark.options.OptionNames.STARTING_TIMESTAMP;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the starting and ending {@link OffsetLimit} from the options. As in spark-sql-kafka-0-10
 * a global timestamp wins over timestamps per partition, which win over offsets. Stateless.
 */
public final class OffsetLimits {

    private OffsetLimits() {}

    /** Where reading starts; {@code absent} when no option says. */
    public static OffsetLimit starting(SourceOptions options, OffsetLimit absent) {
        return limit(options, STARTING_TIMESTAMP, STARTING_OFFSETS_BY_TIMESTAMP, STARTING_OFFSETS, absent);
    }

    /** Where a batch read ends; latest when no option says. */
    public static OffsetLimit ending(SourceOptions options) {
        return limit(options, ENDING_TIMESTAMP, ENDING_OFFSETS_BY_TIMESTAMP, ENDING_OFFSETS, new OffsetLimit.Latest());
    }

    private static OffsetLimit limit(
            SourceOptions options, String globalTimestamp, String byTimestamp, String offsets, OffsetLimit absent) {
        NoMatchStrategy strategy = options.get(STARTING_OFFSETS_BY_TIMESTAMP_STRATEGY)
                .map(NoMatchStrategy::parse)
                .orElse(NoMatchStrategy.ERROR);
        Optional<String> timestamp = options.get(globalTimestamp).map(String::trim);
        if (timestamp.isPresent()) {
            try {
                return new OffsetLimit.GlobalTimestamp(Long.parseLong(timestamp.get()), strategy);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Expected a single long value, got " + timestamp.get());
            }
        }
        Optional<String> timestamps = options.get(byTimestamp);
        if (timestamps.isPresent()) {
            return new OffsetLimit.SpecificTimestamps(
                    PartitionsJson.timestamps(timestamps.get().trim()), strategy);
        }
        return options.get(offsets).map(String::trim).map(OffsetLimits::offsets).orElse(absent);
    }

    private static OffsetLimit offsets(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("latest")) {
            return new OffsetLimit.Latest();
        }
        if (lower.equals("earliest")) {
            return new OffsetLimit.Earliest();
        }
        return new OffsetLimit.SpecificOffsets(PartitionsJson.offsets(value));
    }

    /**
     * Checks that specific starting and ending limits name the same partitions and that no start
     * is after its end (negative markers are not compared).
     */
    public static void checkStartNotAfterEnd(OffsetLimit start, OffsetLimit end) {
        if (start instanceof OffsetLimit.SpecificOffsets s && end instanceof OffsetLimit.SpecificOffsets e) {
            checkPairs(s.offsets(), e.offsets(), "offset");
        } else if (start instanceof OffsetLimit.SpecificTimestamps s
                && end instanceof OffsetLimit.SpecificTimestamps e) {
            checkPairs(s.timestamps(), e.timestamps(), "timestamp");
        }
    }

    private static void checkPairs(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, String what) {
        if (!start.keySet().equals(end.keySet())) {
            throw SourceErrors.startAndEndPartitionsDiffer(start.keySet(), end.keySet());
        }
        start.forEach((partition, from) -> {
            long until = end.get(partition);
            if (from > until && from >= 0 && until >= 0) {
                throw SourceErrors.startAfterEnd(what, from, until, partition);
            }
        });
    }
}
