package io.millrace.spark.source;

import io.millrace.spark.avro.SourceColumnFormats;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows the source produces, the same columns as spark-sql-kafka-0-10: {@code key} and
 * {@code value} (binary), {@code topic}, {@code partition}, {@code offset}, {@code timestamp},
 * {@code timestampType} and, with {@code includeHeaders}, {@code headers} (array of key/value
 * structs). With {@code keyFormat}/{@code valueFormat} {@code avro}, {@code key}/{@code value}
 * have the type of their registry schema instead of binary. Stateless.
 */
public final class RecordSchema {

    private static final StructType HEADER = new StructType(new StructField[] {
        DataTypes.createStructField("key", DataTypes.StringType, true),
        DataTypes.createStructField("value", DataTypes.BinaryType, true)
    });

    private RecordSchema() {}

    public static StructType of(boolean includeHeaders) {
        return of(includeHeaders, SourceColumnFormats.binary());
    }

    public static StructType of(boolean includeHeaders, SourceColumnFormats formats) {
        return of(includeHeaders, formats.keyType(), formats.valueType());
    }

    private static StructType of(boolean includeHeaders, DataType keyType, DataType valueType) {
        StructType schema = new StructType()
                .add("key", keyType)
                .add("value", valueType)
                .add("topic", DataTypes.StringType)
                .add("partition", DataTypes.IntegerType)
                .add("offset", DataTypes.LongType)
                .add("timestamp", DataTypes.TimestampType)
                .add("timestampType", DataTypes.IntegerType);
        return includeHeaders ? schema.add("headers", DataTypes.createArrayType(HEADER, true)) : schema;
    }
}
