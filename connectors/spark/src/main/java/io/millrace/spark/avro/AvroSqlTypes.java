package io.millrace.spark.avro;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The Spark SQL type of an Avro schema, and the Avro schema of a Spark SQL type.
 *
 * <p>Avro to Spark: record → struct, enum and string → string, bytes and fixed → binary,
 * {@code decimal} → decimal, {@code date} → date, {@code timestamp-millis/micros} → timestamp,
 * {@code local-timestamp-millis/micros} → timestamp_ntz, array → array, map → map with string
 * keys, a union of null and one type → that type, nullable; {@code [int, long]} → long,
 * {@code [float, double]} → double; any other union → a struct of nullable {@code member0},
 * {@code member1}... one per non-null branch, at most one of them set. {@code time-millis} and
 * {@code time-micros} stay int and long. Unsupported, with an error naming the place in the
 * schema: recursive records and {@code timestamp-nanos}/{@code local-timestamp-nanos} (Spark has
 * microseconds).
 *
 * <p>Spark to Avro (what {@code to_millrace_avro} and the sink register): struct → record named
 * after its place, nullable → union with null first (default null), byte and short → int, decimal
 * → bytes with the {@code decimal} logical type, date → {@code date}, timestamp →
 * {@code timestamp-micros}, timestamp_ntz → {@code local-timestamp-micros}, map keys must be
 * strings. Stateless.
 */
public final class AvroSqlTypes {

    private AvroSqlTypes() {}

    /** The Spark type of values of {@code schema}; nullability of the top level is not part of it. */
    public static DataType toSqlType(Schema schema) {
        return toSqlType(schema, new HashSet<>(), schema.getFullName());
    }

    /** Whether values of {@code schema} can be null (null itself, or a union with null). */
    public static boolean isNullable(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || (schema.getType() == Schema.Type.UNION
                        && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }

    private static DataType toSqlType(Schema schema, Set<String> enclosingRecords, String path) {
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD:
                if (!enclosingRecords.add(schema.getFullName())) {
                    throw unsupported(path, "the recursive record " + schema.getFullName());
                }
                List<StructField> fields = new ArrayList<>();
                for (Schema.Field field : schema.getFields()) {
                    fields.add(DataTypes.createStructField(
                            field.name(),
                            toSqlType(field.schema(), enclosingRecords, path + "." + field.name()),
                            isNullable(field.schema())));
                }
                enclosingRecords.remove(schema.getFullName());
                return DataTypes.createStructType(fields);
            case ENUM:
            case STRING:
                return DataTypes.StringType;
            case BYTES:
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return decimalType(decimal, path);
                }
                return DataTypes.BinaryType;
            case INT:
                return logical instanceof LogicalTypes.Date ? DataTypes.DateType : DataTypes.IntegerType;
            case LONG:
                return longType(logical, path);
            case FLOAT:
                return DataTypes.FloatType;
            case DOUBLE:
                return DataTypes.DoubleType;
            case BOOLEAN:
                return DataTypes.BooleanType;
            case NULL:
                return DataTypes.NullType;
            case ARRAY:
                return DataTypes.createArrayType(
                        toSqlType(schema.getElementType(), enclosingRecords, path + "[]"),
                        isNullable(schema.getElementType()));
            case MAP:
                return DataTypes.createMapType(
                        DataTypes.StringType,
                        toSqlType(schema.getValueType(), enclosingRecords, path + "{}"),
                        isNullable(schema.getValueType()));
            case UNION:
                return unionType(schema, enclosingRecords, path);
        }
        throw unsupported(path, "the Avro type " + schema.getType());
    }

    private static DataType longType(LogicalType logical, String path) {
        if (logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.TimestampMicros) {
            return DataTypes.TimestampType;
        }
        if (logical instanceof LogicalTypes.LocalTimestampMillis
                || logical instanceof LogicalTypes.LocalTimestampMicros) {
            return DataTypes.TimestampNTZType;
        }
        if (logical instanceof LogicalTypes.TimestampNanos || logical instanceof LogicalTypes.LocalTimestampNanos) {
            throw unsupported(path, "the logical type " + logical.getName() + " (Spark timestamps are microseconds)");
        }
        return DataTypes.LongType;
    }

    private static DataType decimalType(LogicalTypes.Decimal decimal, String path) {
        if (decimal.getPrecision() > DecimalType.MAX_PRECISION()) {
            throw unsupported(
                    path,
                    "a decimal of precision " + decimal.getPrecision() + " (Spark's maximum is "
                            + DecimalType.MAX_PRECISION() + ")");
        }
        return DataTypes.createDecimalType(decimal.getPrecision(), decimal.getScale());
    }

    private static DataType unionType(Schema union, Set<String> enclosingRecords, String path) {
        List<Schema> branches = nonNullBranches(union);
        if (branches.isEmpty()) {
            return DataTypes.NullType;
        }
        if (branches.size() == 1) {
            return toSqlType(branches.get(0), enclosingRecords, path);
        }
        if (isWidening(branches, Schema.Type.INT, Schema.Type.LONG)) {
            return DataTypes.LongType;
        }
        if (isWidening(branches, Schema.Type.FLOAT, Schema.Type.DOUBLE)) {
            return DataTypes.DoubleType;
        }
        List<StructField> members = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            members.add(DataTypes.createStructField(
                    "member" + i, toSqlType(branches.get(i), enclosingRecords, path + "|" + i), true));
        }
        return DataTypes.createStructType(members);
    }

    /** The branches of a union that are not null, in order. */
    static List<Schema> nonNullBranches(Schema union) {
        return union.getTypes().stream()
                .filter(s -> s.getType() != Schema.Type.NULL)
                .toList();
    }

    /** A union of exactly {@code narrow} and {@code wide} without logical types: read as the wide type. */
    static boolean isWidening(List<Schema> branches, Schema.Type narrow, Schema.Type wide) {
        return branches.size() == 2
                && branches.stream().allMatch(s -> s.getLogicalType() == null)
                && branches.stream().anyMatch(s -> s.getType() == narrow)
                && branches.stream().anyMatch(s -> s.getType() == wide);
    }

    /**
     * The Avro schema of a Spark struct: a record {@code recordName} in {@code namespace}, nested
     * structs named after their field path.
     */
    public static Schema toAvroSchema(StructType struct, String recordName, String namespace) {
        return record(struct, recordName, namespace);
    }

    private static Schema record(StructType struct, String name, String namespace) {
        List<Schema.Field> fields = new ArrayList<>();
        for (StructField field : struct.fields()) {
            Schema fieldSchema = toAvroSchema(field.dataType(), name + "_" + field.name(), namespace, field.name());
            if (field.nullable()) {
                fields.add(new Schema.Field(field.name(), nullable(fieldSchema), null, JsonProperties.NULL_VALUE));
            } else {
                fields.add(new Schema.Field(field.name(), fieldSchema));
            }
        }
        return Schema.createRecord(name, null, namespace, false, fields);
    }

    private static Schema toAvroSchema(DataType type, String recordName, String namespace, String path) {
        if (type instanceof StructType struct) {
            return record(struct, recordName, namespace);
        }
        if (type instanceof StringType) {
            return Schema.create(Schema.Type.STRING);
        }
        if (type instanceof BinaryType) {
            return Schema.create(Schema.Type.BYTES);
        }
        if (type instanceof IntegerType || type instanceof ShortType || type instanceof ByteType) {
            return Schema.create(Schema.Type.INT);
        }
        if (type instanceof LongType) {
            return Schema.create(Schema.Type.LONG);
        }
        if (type instanceof FloatType) {
            return Schema.create(Schema.Type.FLOAT);
        }
        if (type instanceof DoubleType) {
            return Schema.create(Schema.Type.DOUBLE);
        }
        if (type instanceof BooleanType) {
            return Schema.create(Schema.Type.BOOLEAN);
        }
        if (type instanceof DecimalType decimal) {
            return LogicalTypes.decimal(decimal.precision(), decimal.scale())
                    .addToSchema(Schema.create(Schema.Type.BYTES));
        }
        if (type instanceof DateType) {
            return LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
        }
        if (type instanceof TimestampType) {
            return LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        }
        if (type instanceof TimestampNTZType) {
            return LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        }
        if (type instanceof ArrayType array) {
            Schema element = toAvroSchema(array.elementType(), recordName, namespace, path + "[]");
            return Schema.createArray(array.containsNull() ? nullable(element) : element);
        }
        if (type instanceof MapType map) {
            if (!(map.keyType() instanceof StringType)) {
                throw unsupported(
                        path, "a map with " + map.keyType().simpleString() + " keys (Avro map keys are strings)");
            }
            Schema value = toAvroSchema(map.valueType(), recordName, namespace, path + "{}");
            return Schema.createMap(map.valueContainsNull() ? nullable(value) : value);
        }
        throw unsupported(path, "the Spark type " + type.simpleString());
    }

    private static Schema nullable(Schema schema) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), schema);
    }

    static UnsupportedAvroTypeException unsupported(String path, String what) {
        return new UnsupportedAvroTypeException("Cannot convert " + what + " at " + path
                + " between Avro and Spark SQL: not supported by Millrace's Avro conversion");
    }
}
