package io.millrace.spark.sink;

import java.util.Iterator;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.QueryExecution;

/**
 * Batch writes ({@code df.write.format("millrace").save()}), which Spark runs through the V1
 * {@code CreatableRelationProvider} API, as it runs spark-sql-kafka-0-10's: the save modes Kafka's
 * sink takes (ErrorIfExists, the default, and Append, which both append) and at-least-once writes,
 * each task flushing its rows before it ends. Stateless.
 */
public final class BatchWriter {

    private BatchWriter() {}

    /** Writes the rows of {@code data}; fails as spark-sql-kafka-0-10 fails for other save modes or invalid options. */
    public static void write(SaveMode mode, Map<String, String> parameters, Dataset<Row> data) {
        if (mode == SaveMode.Overwrite || mode == SaveMode.Ignore) {
            throw SparkErrors.analysis(
                    "_LEGACY_ERROR_TEMP_3081",
                    Map.of(
                            "mode", mode.toString(),
                            "append", SaveMode.Append.toString(),
                            "errorIfExists", SaveMode.ErrorIfExists.toString()));
        }
        SinkOptions options = SinkOptions.of(parameters, DeliveryGuarantee.AT_LEAST_ONCE);
        if (options.guarantee() != DeliveryGuarantee.AT_LEAST_ONCE) {
            throw new IllegalArgumentException("Batch writes to format(\"millrace\") are at-least-once: the option"
                    + " deliveryGuarantee=exactly-once is for streaming queries (writeStream)");
        }
        QueryExecution execution = data.queryExecution();
        RecordColumns columns = RecordColumns.of(execution.analyzed().schema(), options.topic(), parameters);
        execution.toRdd().toJavaRDD().foreachPartition(rows -> writePartition(options, columns, rows));
    }

    private static void writePartition(SinkOptions options, RecordColumns columns, Iterator<InternalRow> rows) {
        PlainDataWriter writer = new PlainDataWriter(options, columns);
        try {
            while (rows.hasNext()) {
                writer.write(rows.next());
            }
            writer.commit();
        } catch (RuntimeException e) {
            writer.abort();
            throw e;
        } finally {
            writer.close();
        }
    }
}
