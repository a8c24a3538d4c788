package io.millrace.spark;

import io.millrace.spark.avro.SourceColumnFormats;
import io.millrace.spark.options.OptionNames;
import io.millrace.spark.options.SourceOptions;
import io.millrace.spark.options.SourceOptionsValidator;
import io.millrace.spark.source.MillraceTable;
import io.millrace.spark.source.RecordSchema;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The data source {@code format("millrace")}: reads Millrace streams with the options and the
 * rows of spark-sql-kafka-0-10's {@code format("kafka")}, plus {@code stream} and registry Avro
 * {@code key}/{@code value} columns ({@code keyFormat}/{@code valueFormat}, {@link SourceColumnFormats}). Options that hold
 * for batch and streaming alike are checked when the DataFrame is loaded, as Kafka's source does;
 * those of one mode when the query plans its reads. Stateless.
 */
public final class MillraceSourceProvider implements TableProvider, DataSourceRegister {

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

    @Override
    public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        return new MillraceTable(
                SourceOptions.of(properties).booleanOption(OptionNames.INCLUDE_HEADERS, false),
                SourceColumnFormats.of(properties));
    }
}
