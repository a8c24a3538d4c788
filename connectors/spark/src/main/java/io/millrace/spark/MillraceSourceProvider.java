package io.millrace.spark;

import io.millrace.spark.avro.SourceColumnFormats;
import io.millrace.spark.options.OptionNames;
import io.millrace.spark.options.SourceOptions;
import io.millrace.spark.options.SourceOptionsValidator;
import io.millrace.spark.sink.BatchWriter;
import io.millrace.spark.source.MillraceTable;
import io.millrace.spark.source.RecordSchema;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.CreatableRelationProvider;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The data source {@code format("millrace")}: reads and writes Millrace streams with the options and
 * the rows of spark-sql-kafka-0-10's {@code format("kafka")}, plus {@code stream}, registry Avro
 * {@code key}/{@code value} columns ({@code keyFormat}/{@code valueFormat}, {@link SourceColumnFormats})
 * and the sink's delivery guarantee. Options that hold for batch and streaming reads alike are
 * checked when the DataFrame is loaded, as Kafka's source does; those of one mode when the query
 * plans its reads.
 *
 * <p>Writes: streaming ones through the table ({@code STREAMING_WRITE}); batch ones through the V1
 * {@link CreatableRelationProvider}, as Spark runs Kafka's (which is on its
 * {@code spark.sql.sources.useV1SourceList}): the table does not claim {@code BATCH_WRITE}, so Spark
 * falls back to it for every save mode, the default ErrorIfExists included. A write does not infer
 * the read schema ({@link #supportsExternalMetadata()}), so the source's options are not asked of it.
 * Stateless.
 */
public final class MillraceSourceProvider implements TableProvider, DataSourceRegister, CreatableRelationProvider {

    @Override
    public String shortName() {
        return "millrace";
    }

    @Override
    public StructType inferSchema(CaseInsensitiveStringMap options) {
        SourceOptions sourceOptions = SourceOptions.of(options.asCaseSensitiveMap());
        SourceOptionsValidator.validateGeneral(sourceOptions);
        return RecordSchema.of(
                sourceOptions.booleanOption(OptionNames.INCLUDE_HEADERS, false),
                SourceColumnFormats.of(options.asCaseSensitiveMap()));
    }

    /** A read's schema is the inferred one; the table is told any other (a user's, or a write's input). */
    @Override
    public boolean supportsExternalMetadata() {
        return true;
    }

    @Override
    public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        boolean includeHeaders = SourceOptions.of(properties).booleanOption(OptionNames.INCLUDE_HEADERS, false);
        return new MillraceTable(includeHeaders, properties, schema);
    }

    @Override
    public BaseRelation createRelation(
            SQLContext sqlContext,
            SaveMode mode,
            scala.collection.immutable.Map<String, String> parameters,
            Dataset<Row> data) {
        BatchWriter.write(mode, CollectionConverters.asJava(parameters), data);
        // as Kafka's: a relation to read what was written cannot be given
        return new BaseRelation() {
            @Override
            public SQLContext sqlContext() {
                throw new UnsupportedOperationException("BaseRelation from Millrace write operation is not usable.");
            }

            @Override
            public StructType schema() {
                throw new UnsupportedOperationException("BaseRelation from Millrace write operation is not usable.");
            }
        };
    }
}
