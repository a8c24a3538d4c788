package io.millrace.spark.source;

import io.millrace.spark.avro.SourceColumnFormats;
import io.millrace.spark.options.ConsumerParams;
import io.millrace.spark.options.OffsetLimit;
import io.millrace.spark.options.OffsetLimits;
import io.millrace.spark.options.OptionNames;
import io.millrace.spark.options.SourceOptions;
import io.millrace.spark.options.SourceOptionsValidator;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.types.StructType;

/**
 * A planned read of Millrace records: checks the options of its mode and builds the batch or the
 * micro-batch stream. Immutable.
 */
final class MillraceScan implements Scan {

    private final SourceOptions options;
    private final SourceColumnFormats formats;

    MillraceScan(SourceOptions options, SourceColumnFormats formats) {
        this.options = options;
        this.formats = formats;
    }

    @Override
    public StructType readSchema() {
        return RecordSchema.of(options.booleanOption(OptionNames.INCLUDE_HEADERS, false), formats);
    }

    @Override
    public String description() {
        return "MillraceScan";
    }

    @Override
    public Batch toBatch() {
        SourceOptionsValidator.validateBatch(options);
        OffsetLimit start = OffsetLimits.starting(options, new OffsetLimit.Earliest());
        OffsetLimit end = OffsetLimits.ending(options);
        OffsetLimits.checkStartNotAfterEnd(start, end);
        String groupId = ConsumerParams.batchGroupId(options);
        return new MillraceBatch(
                new ReadSettings(options, ConsumerParams.forExecutors(options, groupId), formats), start, end);
    }

    @Override
    public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
        SourceOptionsValidator.validateStream(options);
        String groupId = ConsumerParams.streamingGroupId(options, checkpointLocation);
        return new MillraceMicroBatchStream(
                new ReadSettings(options, ConsumerParams.forExecutors(options, groupId), formats),
                options,
                OffsetLimits.starting(options, new OffsetLimit.Latest()),
                checkpointLocation);
    }
}
