package io.millrace.spark.sink;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.internal.connector.SupportsStreamingUpdateAsAppend;
import org.apache.spark.sql.types.StructType;

/**
 * A streaming query's write to {@code format("millrace")}: exactly-once unless
 * {@code deliveryGuarantee} says {@code at-least-once}. Every output mode appends, as Kafka's sink
 * does. The options are checked when the write is built, the columns when the query plans its
 * first batch. Thread-safe.
 */
public final class MillraceWrite implements Write {

    /** Where a streaming query's thread keeps its job group, which Spark sets to the run's id. */
    private static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";

    private final SinkOptions options;
    /** As the user gave them, for the key and value formats. */
    private final Map<String, String> givenOptions;

    private final StructType schema;
    private final String queryId;
    private StreamingWrite streamingWrite;

    private MillraceWrite(SinkOptions options, Map<String, String> givenOptions, StructType schema, String queryId) {
        this.options = options;
        this.givenOptions = givenOptions;
        this.schema = schema;
        this.queryId = queryId;
    }

    /** The builder Spark asks for a write; {@code truncate} (complete mode) changes nothing. */
    public static WriteBuilder builder(LogicalWriteInfo info) {
        Map<String, String> given = Map.copyOf(info.options().asCaseSensitiveMap());
        SinkOptions options = SinkOptions.of(given, DeliveryGuarantee.EXACTLY_ONCE);
        return new Builder(new MillraceWrite(options, given, info.schema(), info.queryId()));
    }

    @Override
    public String description() {
        return "MillraceWrite(" + options.guarantee().optionValue() + ")";
    }

    /**
     * Spark asks at every micro-batch it plans, with a new write each time; the exactly-once write
     * recovers what an earlier run left once per run of the query, at the first batch the run plans
     * (the run is Spark's job group on the query's thread).
     */
    @Override
    public synchronized StreamingWrite toStreaming() {
        if (streamingWrite == null) {
            streamingWrite = newStreamingWrite();
        }
        return streamingWrite;
    }

    private StreamingWrite newStreamingWrite() {
        if (options.guarantee() == DeliveryGuarantee.AT_LEAST_ONCE) {
            return new AtLeastOnceStreamingWrite(options, columns());
        }
        SparkConf conf = SparkSession.active().sparkContext().getConf();
        if (conf.getBoolean("spark.speculation", false)) {
            throw new IllegalArgumentException("The exactly-once sink cannot run with spark.speculation=true: two"
                    + " attempts of one write task would fence each other's transaction. Turn speculation off,"
                    + " or set the option deliveryGuarantee to at-least-once.");
        }
        String runId = SparkSession.active().sparkContext().getLocalProperty(JOB_GROUP_PROPERTY);
        // the columns (an Avro column's schema registered) only when a run starts, not per batch
        return ExactlyOnceStreamingWrite.forRun(options, this::columns, queryId, runId);
    }

    private RecordColumns columns() {
        return RecordColumns.of(schema, options.topic(), givenOptions);
    }

    private record Builder(MillraceWrite write)
            implements WriteBuilder, SupportsTruncate, SupportsStreamingUpdateAsAppend {

        @Override
        public Write build() {
            return write;
        }

        @Override
        public WriteBuilder truncate() {
            return this;
        }
    }
}
