package io.millrace.bench.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark jobs the benchmark times, one per {@link Workload}, each taking the connector's format
 * and otherwise the same options for every connector. Reads force every row to be read and
 * converted (a count and the sum of the values' lengths); writes go into a topic named by the
 * caller. Used from one thread at a time.
 */
final class BenchQueries {

    /** How long a streaming query may run before the run counts as failed. */
    private static final Duration QUERY_DEADLINE = Duration.ofMinutes(10);

    private final SparkSession spark;
    private final String bootstrap;
    private final SparkBenchSettings settings;

    BenchQueries(SparkSession spark, String bootstrap, SparkBenchSettings settings) {
        this.spark = spark;
        this.bootstrap = bootstrap;
        this.settings = settings;
    }

    /** What a read counted: rows and the bytes of their values. */
    record Counted(long rows, long valueBytes) {}

    /**
     * Writes rows 0 to {@code count - 1} into {@code topic} (created beforehand) through the stock
     * connector, round-robin over its partitions, as the source workloads' input.
     */
    void writeInput(String topic, long count) {
        spark.range(0, count, 1, 2)
                .select(
                        BenchRows.valueOf(col("id"), settings.recordBytes()).as("value"),
                        pmod(col("id"), lit(settings.partitions())).cast("int").as("partition"))
                .write()
                .format("kafka")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("topic", topic)
                .save();
    }

    /** Writes rows 0 to {@code count - 1} as Parquet files into {@code dir}, the streaming sink's input: two files per micro-batch. */
    void writeFiles(Path dir, long count) {
        BenchRows.values(spark, count, settings.recordBytes(), 2 * settings.microBatches())
                .write()
                .mode("overwrite")
                .parquet(dir.toString());
    }

    /** {@link Workload#SOURCE_BATCH}: one batch read of all of {@code topic}. */
    Counted readBatch(Connector connector, String topic) {
        Row counted = spark.read()
                .format(connector.format())
                .options(sourceOptions(topic))
                .option("endingOffsets", "latest")
                .load()
                .agg(count(lit(1)), sum(length(col("value"))))
                .first();
        return new Counted(counted.getLong(0), counted.isNullAt(1) ? 0 : counted.getLong(1));
    }

    /**
     * {@link Workload#SOURCE_MICRO_BATCH}: all of {@code topic} (of {@code records} records) in
     * {@code Trigger.AvailableNow} micro-batches of at most records ÷ micro-batches offsets each.
     */
    Counted readMicroBatches(Connector connector, String topic, long records, Path checkpoint)
            throws TimeoutException, StreamingQueryException {
        LongAdder rows = new LongAdder();
        LongAdder bytes = new LongAdder();
        StreamingQuery query = spark.readStream()
                .format(connector.format())
                .options(sourceOptions(topic))
                .option("maxOffsetsPerTrigger", Long.toString(ceilDiv(records, settings.microBatches())))
                .load()
                .writeStream()
                .option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.AvailableNow())
                .foreachBatch((Dataset<Row> batch, Long id) -> {
                    Row counted =
                            batch.agg(count(lit(1)), sum(length(col("value")))).first();
                    rows.add(counted.getLong(0));
                    bytes.add(counted.isNullAt(1) ? 0 : counted.getLong(1));
                })
                .start();
        awaitEnd(query);
        return new Counted(rows.sum(), bytes.sum());
    }

    /** {@link Workload#SINK_BATCH}: {@code count} generated rows written to {@code topic} in one batch job. */
    void writeBatch(Connector connector, String topic, long count) {
        BenchRows.values(spark, count, settings.recordBytes(), 2)
                .write()
                .format(connector.format())
                .options(sinkOptions(connector, topic))
                .save();
    }

    /**
     * {@link Workload#SINK_STREAMING}: the rows in the Parquet files of {@code input} (see
     * {@link #writeFiles}) written to {@code topic} by a {@code Trigger.AvailableNow} query, two
     * files per micro-batch.
     */
    void writeStream(Connector connector, String topic, Path input, Path checkpoint)
            throws TimeoutException, StreamingQueryException {
        StructType schema = new StructType().add("value", DataTypes.BinaryType, false);
        StreamingQuery query = spark.readStream()
                .schema(schema)
                .option("maxFilesPerTrigger", "2")
                .parquet(input.toString())
                .writeStream()
                .format(connector.format())
                .options(sinkOptions(connector, topic))
                .option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.AvailableNow())
                .start();
        awaitEnd(query);
    }

    private Map<String, String> sourceOptions(String topic) {
        return Map.of(
                "kafka.bootstrap.servers",
                bootstrap,
                "subscribe",
                topic,
                "startingOffsets",
                "earliest",
                // ours reads committed by default, Spark's does not; the input has no transactions
                // either way, so both read the same records with the same setting
                "kafka.isolation.level",
                "read_committed");
    }

    private Map<String, String> sinkOptions(Connector connector, String topic) {
        Map<String, String> options = new HashMap<>(connector.sinkOptions());
        options.put("kafka.bootstrap.servers", bootstrap);
        options.put("topic", topic);
        return options;
    }

    private static void awaitEnd(StreamingQuery query) throws TimeoutException, StreamingQueryException {
        if (!query.awaitTermination(QUERY_DEADLINE.toMillis())) {
            query.stop();
            throw new IllegalStateException(
                    "The query did not end within " + QUERY_DEADLINE + "; last progress: " + query.lastProgress());
        }
    }

    private static long ceilDiv(long dividend, long divisor) {
        return (dividend + divisor - 1) / divisor;
    }
}
