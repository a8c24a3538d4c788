package io.millrace.spark.source.reader;

import io.millrace.spark.avro.SourceColumnFormats;
import io.millrace.spark.source.offsets.DataLossReporter;
import io.millrace.spark.source.offsets.OffsetRange;
import java.util.Map;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One Spark task's work, sent to an executor: the offset range to read and how (the consumer's
 * settings, the poll timeout, what a data loss does, whether to read headers, how to decode keys and values). Immutable.
 */
public record RangeInputPartition(
        OffsetRange range,
        Map<String, String> consumerParams,
        long pollTimeoutMs,
        DataLossReporter dataLoss,
        boolean includeHeaders,
        SourceColumnFormats formats)
        implements InputPartition {

    public RangeInputPartition {
        consumerParams = Map.copyOf(consumerParams);
    }
}
