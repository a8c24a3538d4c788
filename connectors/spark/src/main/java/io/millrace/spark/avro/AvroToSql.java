package io.millrace.spark.avro;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns generic Avro values of one schema into Spark's internal values of the type
 * {@link AvroSqlTypes#toSqlType} gives it ({@code InternalRow}, {@code UTF8String},
 * {@code Decimal}, days, microseconds, {@code ArrayData}, {@code MapData}). The conversion of
 * every node of the schema is decided once, when the converter is built; converting a value only
 * walks the value. Immutable, thread-safe.
 */
public final class AvroToSql {

    /** The conversion of one node of the schema. */
    @FunctionalInterface
    private interface Node {
        Object convert(Object avro);
    }

    private final Node root;

    private AvroToSql(Node root) {
        this.root = root;
    }

    /** A converter of values of {@code schema}; fails on a schema {@link AvroSqlTypes} rejects. */
    public static AvroToSql of(Schema schema) {
        AvroSqlTypes.toSqlType(schema);
        return new AvroToSql(node(schema));
    }

    /** The Spark internal value of {@code avro}; null stays null. */
    public Object convert(Object avro) {
        return avro == null ? null : root.convert(avro);
    }

    private static Node node(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD:
                return record(schema);
            case ENUM:
            case STRING:
                return AvroToSql::string;
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return avro -> decimal(bytes((ByteBuffer) avro), decimal);
                }
                return avro -> bytes((ByteBuffer) avro);
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return avro -> decimal(((GenericFixed) avro).bytes(), decimal);
                }
                return avro -> ((GenericFixed) avro).bytes().clone();
            case LONG:
                if (logical instanceof LogicalTypes.TimestampMillis
                        || logical instanceof LogicalTypes.LocalTimestampMillis) {
                    return avro -> Math.multiplyExact((Long) avro, 1000L);
                }
                return avro -> avro;
            case INT:
            case FLOAT:
            case DOUBLE:
            case BOOLEAN:
                return avro -> avro;
            case NULL:
                return avro -> null;
            case ARRAY:
                return array(schema.getElementType());
            case MAP:
                return map(schema.getValueType());
            case UNION:
                return union(schema);
        }
        throw AvroSqlTypes.unsupported(schema.getFullName(), "the Avro type " + schema.getType());
    }

    private static Node record(Schema schema) {
        List<Schema.Field> fields = schema.getFields();
        Node[] nodes = new Node[fields.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = nullSafe(node(fields.get(i).schema()));
        }
        return avro -> {
            IndexedRecord record = (IndexedRecord) avro;
            Object[] values = new Object[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                values[i] = nodes[i].convert(record.get(i));
            }
            return new GenericInternalRow(values);
        };
    }

    private static Node array(Schema elementSchema) {
        Node element = nullSafe(node(elementSchema));
        return avro -> {
            Collection<?> elements = (Collection<?>) avro;
            Object[] values = new Object[elements.size()];
            int i = 0;
            for (Object value : elements) {
                values[i++] = element.convert(value);
            }
            return new GenericArrayData(values);
        };
    }

    private static Node map(Schema valueSchema) {
        Node value = nullSafe(node(valueSchema));
        return avro -> {
            Map<?, ?> entries = (Map<?, ?>) avro;
            Object[] keys = new Object[entries.size()];
            Object[] values = new Object[entries.size()];
            int i = 0;
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                keys[i] = string(entry.getKey());
                values[i++] = value.convert(entry.getValue());
            }
            return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
        };
    }

    private static Node union(Schema union) {
        List<Schema> branches = AvroSqlTypes.nonNullBranches(union);
        if (branches.isEmpty()) {
            return avro -> null;
        }
        if (branches.size() == 1) {
            return node(branches.get(0));
        }
        if (AvroSqlTypes.isWidening(branches, Schema.Type.INT, Schema.Type.LONG)) {
            return avro -> ((Number) avro).longValue();
        }
        if (AvroSqlTypes.isWidening(branches, Schema.Type.FLOAT, Schema.Type.DOUBLE)) {
            return avro -> ((Number) avro).doubleValue();
        }
        Node[] members = branches.stream().map(AvroToSql::node).toArray(Node[]::new);
        return avro -> {
            int branch = GenericData.get().resolveUnion(union, avro);
            int member = branches.indexOf(union.getTypes().get(branch));
            Object[] values = new Object[members.length];
            values[member] = members[member].convert(avro);
            return new GenericInternalRow(values);
        };
    }

    private static Node nullSafe(Node node) {
        return avro -> avro == null ? null : node.convert(avro);
    }

    private static UTF8String string(Object avro) {
        if (avro instanceof Utf8 utf8) {
            return UTF8String.fromBytes(utf8.getBytes(), 0, utf8.getByteLength());
        }
        return UTF8String.fromString(avro.toString());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static Decimal decimal(byte[] unscaled, LogicalTypes.Decimal decimal) {
        return Decimal.apply(
                new BigDecimal(new BigInteger(unscaled), decimal.getScale()),
                decimal.getPrecision(),
                decimal.getScale());
    }
}
