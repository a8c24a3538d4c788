package io.millrace.spark.avro;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.util.Utf8;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns Spark internal values of one type into generic Avro values of one schema, for Avro's
 * {@code GenericDatumWriter}. Struct fields are matched to record fields by name; a record field
 * the struct lacks takes its default, and one without a default is an error when the converter is
 * built, as is any pair of types that do not fit (the message names the field). The inverse of
 * {@link AvroToSql}, so a struct read from Avro is written back to the same Avro. Immutable,
 * thread-safe.
 */
public final class SqlToAvro {

    /** The conversion of one node. */
    @FunctionalInterface
    private interface Node {
        Object convert(Object sql);
    }

    private final Node root;

    private SqlToAvro(Node root) {
        this.root = root;
    }

    /** A converter of values of {@code type} to values of {@code schema}. */
    public static SqlToAvro of(DataType type, Schema schema) {
        return new SqlToAvro(node(type, schema, schema.getFullName()));
    }

    /** The Avro value of {@code sql}; null stays null. */
    public Object convert(Object sql) {
        return sql == null ? null : root.convert(sql);
    }

    private static Node node(DataType type, Schema schema, String path) {
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD:
                if (type instanceof StructType struct) {
                    return record(struct, schema, path);
                }
                break;
            case ENUM:
                if (type instanceof StringType) {
                    return sql -> {
                        String symbol = sql.toString();
                        if (!schema.hasEnumSymbol(symbol)) {
                            throw new IllegalArgumentException("'" + symbol + "' at " + path
                                    + " is not a symbol of the Avro enum " + schema.getFullName() + " "
                                    + schema.getEnumSymbols());
                        }
                        return new GenericData.EnumSymbol(schema, symbol);
                    };
                }
                break;
            case STRING:
                if (type instanceof StringType) {
                    return sql -> new Utf8(((UTF8String) sql).getBytes());
                }
                break;
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal decimal && type instanceof DecimalType) {
                    return sql -> ByteBuffer.wrap(unscaled((Decimal) sql, decimal, path));
                }
                if (type instanceof BinaryType) {
                    return sql -> ByteBuffer.wrap((byte[]) sql);
                }
                break;
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal decimal && type instanceof DecimalType) {
                    return sql -> new GenericData.Fixed(schema, fixed(unscaled((Decimal) sql, decimal, path), schema));
                }
                if (type instanceof BinaryType) {
                    return sql -> {
                        byte[] bytes = (byte[]) sql;
                        if (bytes.length != schema.getFixedSize()) {
                            throw new IllegalArgumentException(bytes.length + " bytes at " + path
                                    + " do not fit the Avro fixed " + schema.getFullName() + " of "
                                    + schema.getFixedSize() + " bytes");
                        }
                        return new GenericData.Fixed(schema, bytes);
                    };
                }
                break;
            case INT:
                if (type instanceof IntegerType || type instanceof DateType) {
                    return sql -> sql;
                }
                if (type instanceof ShortType || type instanceof ByteType) {
                    return sql -> ((Number) sql).intValue();
                }
                break;
            case LONG:
                if (logical instanceof LogicalTypes.TimestampMillis
                        || logical instanceof LogicalTypes.LocalTimestampMillis) {
                    if (type instanceof TimestampType || type instanceof TimestampNTZType) {
                        return sql -> Math.floorDiv((Long) sql, 1000L);
                    }
                    break;
                }
                if (type instanceof LongType || type instanceof TimestampType || type instanceof TimestampNTZType) {
                    return sql -> sql;
                }
                if (type instanceof IntegerType || type instanceof ShortType || type instanceof ByteType) {
                    return sql -> ((Number) sql).longValue();
                }
                break;
            case FLOAT:
                if (type instanceof FloatType) {
                    return sql -> sql;
                }
                break;
            case DOUBLE:
                if (type instanceof DoubleType) {
                    return sql -> sql;
                }
                if (type instanceof FloatType) {
                    return sql -> ((Float) sql).doubleValue();
                }
                break;
            case BOOLEAN:
                if (type instanceof BooleanType) {
                    return sql -> sql;
                }
                break;
            case NULL:
                return sql -> null;
            case ARRAY:
                if (type instanceof ArrayType array) {
                    return array(array, schema, path);
                }
                break;
            case MAP:
                if (type instanceof MapType map && map.keyType() instanceof StringType) {
                    return map(map, schema, path);
                }
                break;
            case UNION:
                return union(type, schema, path);
        }
        throw mismatch(type, schema, path);
    }

    private static Node record(StructType struct, Schema schema, String path) {
        List<Schema.Field> fields = schema.getFields();
        int[] ordinals = new int[fields.size()];
        Node[] nodes = new Node[fields.size()];
        Object[] defaults = new Object[fields.size()];
        for (int i = 0; i < nodes.length; i++) {
            Schema.Field field = fields.get(i);
            String fieldPath = path + "." + field.name();
            if (struct.getFieldIndex(field.name()).isEmpty()) {
                if (!field.hasDefaultValue()) {
                    throw new IllegalArgumentException("The struct has no field '" + field.name()
                            + "', and the Avro field " + fieldPath + " has no default");
                }
                ordinals[i] = -1;
                defaults[i] = GenericData.get().getDefaultValue(field);
                continue;
            }
            StructField structField = struct.fields()[struct.fieldIndex(field.name())];
            ordinals[i] = struct.fieldIndex(field.name());
            nodes[i] = nullChecked(node(structField.dataType(), field.schema(), fieldPath), field.schema(), fieldPath);
        }
        int structSize = struct.size();
        DataType[] types = new DataType[fields.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = ordinals[i] < 0 ? null : struct.fields()[ordinals[i]].dataType();
        }
        return sql -> {
            InternalRow row = (InternalRow) sql;
            if (row.numFields() != structSize) {
                throw new IllegalArgumentException(
                        "A row of " + row.numFields() + " fields at " + path + " where the struct has " + structSize);
            }
            GenericData.Record record = new GenericData.Record(schema);
            for (int i = 0; i < nodes.length; i++) {
                record.put(i, ordinals[i] < 0 ? defaults[i] : nodes[i].convert(get(row, ordinals[i], types[i])));
            }
            return record;
        };
    }

    private static Node array(ArrayType array, Schema schema, String path) {
        Schema elementSchema = schema.getElementType();
        Node element = nullChecked(node(array.elementType(), elementSchema, path + "[]"), elementSchema, path + "[]");
        DataType elementType = array.elementType();
        return sql -> convertAll((ArrayData) sql, element, elementType);
    }

    /** Every element of {@code data}, converted by {@code node}. */
    private static List<Object> convertAll(ArrayData data, Node node, DataType type) {
        List<Object> values = new ArrayList<>(data.numElements());
        for (int i = 0; i < data.numElements(); i++) {
            values.add(node.convert(data.isNullAt(i) ? null : data.get(i, type)));
        }
        return values;
    }

    private static Node map(MapType map, Schema schema, String path) {
        Schema valueSchema = schema.getValueType();
        Node value = nullChecked(node(map.valueType(), valueSchema, path + "{}"), valueSchema, path + "{}");
        DataType valueType = map.valueType();
        return sql -> {
            MapData data = (MapData) sql;
            ArrayData keys = data.keyArray();
            List<Object> values = convertAll(data.valueArray(), value, valueType);
            Map<Utf8, Object> entries = new HashMap<>();
            for (int i = 0; i < values.size(); i++) {
                entries.put(new Utf8(keys.getUTF8String(i).getBytes()), values.get(i));
            }
            return entries;
        };
    }

    /**
     * A union: a nullable value of its one non-null branch, the wider of {@code [int, long]} or
     * {@code [float, double]}, or the struct of members {@link AvroToSql} reads other unions as.
     */
    private static Node union(DataType type, Schema union, String path) {
        List<Schema> branches = AvroSqlTypes.nonNullBranches(union);
        if (branches.isEmpty() && type instanceof NullType) {
            return sql -> null;
        }
        if (branches.size() == 1) {
            return node(type, branches.get(0), path);
        }
        for (Schema.Type wide : List.of(Schema.Type.LONG, Schema.Type.DOUBLE)) {
            Schema.Type narrow = wide == Schema.Type.LONG ? Schema.Type.INT : Schema.Type.FLOAT;
            if (AvroSqlTypes.isWidening(branches, narrow, wide)) {
                return node(type, Schema.create(wide), path);
            }
        }
        if (!(type instanceof StructType members) || members.size() != branches.size()) {
            throw mismatch(type, union, path);
        }
        Node[] nodes = new Node[branches.size()];
        DataType[] types = new DataType[branches.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = node(members.fields()[i].dataType(), branches.get(i), path + "|" + i);
            types[i] = members.fields()[i].dataType();
        }
        return sql -> {
            InternalRow row = (InternalRow) sql;
            for (int i = 0; i < nodes.length; i++) {
                if (!row.isNullAt(i)) {
                    return nodes[i].convert(row.get(i, types[i]));
                }
            }
            throw new IllegalArgumentException("No member of the union at " + path + " is set");
        };
    }

    /** Nulls are written as null where the schema allows it, and fail naming the field where not. */
    private static Node nullChecked(Node node, Schema schema, String path) {
        boolean nullable = AvroSqlTypes.isNullable(schema);
        return sql -> {
            if (sql == null) {
                if (nullable) {
                    return null;
                }
                throw new IllegalArgumentException("A null at " + path + " where the Avro schema does not allow null");
            }
            return node.convert(sql);
        };
    }

    private static Object get(InternalRow row, int ordinal, DataType type) {
        return row.isNullAt(ordinal) ? null : row.get(ordinal, type);
    }

    private static byte[] unscaled(Decimal value, LogicalTypes.Decimal decimal, String path) {
        Decimal rescaled = value.clone();
        if (!rescaled.changePrecision(decimal.getPrecision(), decimal.getScale())) {
            throw new IllegalArgumentException(value + " at " + path + " does not fit decimal(" + decimal.getPrecision()
                    + "," + decimal.getScale() + ")");
        }
        return rescaled.toJavaBigDecimal().unscaledValue().toByteArray();
    }

    /** The two's-complement bytes sign-extended to the fixed size. */
    private static byte[] fixed(byte[] unscaled, Schema schema) {
        if (unscaled.length > schema.getFixedSize()) {
            throw new IllegalArgumentException("A decimal of " + unscaled.length + " bytes does not fit the Avro fixed "
                    + schema.getFullName() + " of " + schema.getFixedSize() + " bytes");
        }
        byte[] bytes = new byte[schema.getFixedSize()];
        byte fill = unscaled.length > 0 && unscaled[0] < 0 ? (byte) 0xff : 0;
        Arrays.fill(bytes, 0, bytes.length - unscaled.length, fill);
        System.arraycopy(unscaled, 0, bytes, bytes.length - unscaled.length, unscaled.length);
        return bytes;
    }

    private static IllegalArgumentException mismatch(DataType type, Schema schema, String path) {
        return new IllegalArgumentException("Cannot write the Spark type " + type.simpleString() + " at " + path
                + " as the Avro type " + schema.toString(false));
    }
}
