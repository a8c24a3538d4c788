package io.millrace.spark.source;

import io.millrace.spark.avro.SourceColumnFormats;
import io.millrace.spark.options.OptionNames;
import io.millrace.spark.options.SourceOptions;
import io.millrace.spark.source.offsets.DataLossReporter;
import io.millrace.spark.source.offsets.OffsetRange;
import io.millrace.spark.source.offsets.OffsetRangeCalculator;
import io.millrace.spark.source.offsets.OffsetReader;
import io.millrace.spark.source.reader.RangeInputPartition;
import io.millrace.spark.source.subscription.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * What batch and micro-batch reads share, taken from validated options: the driver's offset
 * reader, how ranges become tasks, and the settings every task carries. Immutable.
 */
final class ReadSettings {

    private final SourceOptions options;
    private final Map<String, String> consumerParams;
    private final OffsetRangeCalculator calculator;
    private final long pollTimeoutMs;
    private final DataLossReporter dataLoss;
    private final boolean includeHeaders;
    private final SourceColumnFormats formats;

    ReadSettings(SourceOptions options, Map<String, String> consumerParams, SourceColumnFormats formats) {
        this.options = options;
        this.consumerParams = Map.copyOf(consumerParams);
        this.calculator = new OffsetRangeCalculator(
                options.intOption(OptionNames.MIN_PARTITIONS),
                options.longOption(OptionNames.MAX_RECORDS_PER_PARTITION));
        this.pollTimeoutMs = options.longOption(OptionNames.POLL_TIMEOUT_MS)
                .orElseGet(() -> SparkEnv.get().conf().getTimeAsSeconds("spark.network.timeout", "120s") * 1000L);
        this.dataLoss = new DataLossReporter(options.booleanOption(OptionNames.FAIL_ON_DATA_LOSS, true));
        this.includeHeaders = options.booleanOption(OptionNames.INCLUDE_HEADERS, false);
        this.formats = formats;
    }

    /** A new reader of the subscription's offsets; the caller closes it. */
    OffsetReader newOffsetReader() {
        return new OffsetReader(
                Subscription.of(options),
                options.kafkaParams(),
                OffsetReader.isolation(options.kafkaParams()),
                options.intOption(OptionNames.FETCH_OFFSET_NUM_RETRIES).orElse(3),
                Duration.ofMillis(options.longOption(OptionNames.FETCH_OFFSET_RETRY_INTERVAL_MS)
                        .orElse(1000L)));
    }

    DataLossReporter dataLoss() {
        return dataLoss;
    }

    /** One task per range after splitting large ranges; empty ranges make no task. */
    InputPartition[] tasks(List<OffsetRange> ranges) {
        return calculator.split(ranges).stream()
                .map(range -> new RangeInputPartition(
                        range, consumerParams, pollTimeoutMs, dataLoss, includeHeaders, formats))
                .toArray(InputPartition[]::new);
    }
}
