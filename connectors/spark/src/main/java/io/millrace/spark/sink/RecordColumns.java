package io.millrace.spark.sink;

import io.millrace.spark.avro.AvroSinkEncoder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where a row written to the sink keeps the parts of its record: the columns of spark-sql-kafka-0-10's
 * sink ({@code topic} string, {@code key} string or binary, {@code value} string or binary,
 * {@code headers} array of (key string, value binary), {@code partition} int), checked as it checks
 * them and with its messages, and the {@code topic} option, which wins over the column. With
 * {@code keyFormat}/{@code valueFormat} {@code avro} the column may be a struct (or any type Avro can
 * hold) and is written in the registry's wire format ({@link AvroSinkEncoder}). Immutable;
 * serializable, the executors' writers get it.
 */
final class RecordColumns implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int ABSENT = -1;
    private static final String TOPIC = "topic";
    private static final String KEY = "key";
    private static final String VALUE = "value";
    private static final String HEADERS = "headers";
    private static final String PARTITION = "partition";
    private static final List<DataType> STRING_OR_BINARY = List.of(DataTypes.StringType, DataTypes.BinaryType);
    private static final DataType HEADERS_TYPE = new ArrayType(
            new StructType(new StructField[] {
                DataTypes.createStructField("key", DataTypes.StringType, true),
                DataTypes.createStructField("value", DataTypes.BinaryType, true)
            }),
            true);

    private final String topicOption;
    private final int topic;
    private final int key;
    private final boolean stringKey;
    private final int value;
    private final boolean stringValue;
    private final int headers;
    private final int partition;
    /** Null where the column is written as it is. */
    private final AvroSinkEncoder avroKey;

    private final AvroSinkEncoder avroValue;

    private RecordColumns(StructType schema, String topicOption, Map<String, String> options) {
        this.topicOption = topicOption;
        this.topic = topicOption != null ? ABSENT : column(schema, TOPIC, List.of(DataTypes.StringType), true);
        this.avroKey = avroEncoder(schema, KEY, options);
        this.key = avroKey != null ? ordinal(schema, KEY) : column(schema, KEY, STRING_OR_BINARY, false);
        this.stringKey = key != ABSENT && schema.fields()[key].dataType() instanceof StringType;
        this.avroValue = avroEncoder(schema, VALUE, options);
        this.value = avroValue != null ? ordinal(schema, VALUE) : column(schema, VALUE, STRING_OR_BINARY, true);
        this.stringValue = schema.fields()[value].dataType() instanceof StringType;
        this.headers = column(schema, HEADERS, List.of(HEADERS_TYPE), false);
        this.partition = column(schema, PARTITION, List.of(DataTypes.IntegerType), false);
    }

    /**
     * The columns of rows of {@code schema}; {@code topicOption} is the {@code topic} option or null,
     * {@code options} the write's options (for the key and value formats).
     *
     * @throws org.apache.spark.sql.AnalysisException (unchecked here) when a column is missing or of a
     *     wrong type, with spark-sql-kafka-0-10's message
     * @throws IllegalArgumentException naming the Avro option or struct field that is wrong
     */
    static RecordColumns of(StructType schema, String topicOption, Map<String, String> options) {
        try {
            return new RecordColumns(schema, topicOption, options);
        } catch (IllegalStateException e) {
            throw SparkErrors.analysis("_LEGACY_ERROR_TEMP_3080", Map.of("msg", e.getMessage()));
        }
    }

    /** The record of a row. */
    ProducerRecord<byte[], byte[]> record(InternalRow row) {
        String topicName = topicOption;
        if (topicName == null && !row.isNullAt(topic)) {
            topicName = row.getUTF8String(topic).toString();
        }
        if (topicName == null) {
            throw new NullPointerException(
                    "null topic present in the data. Use the topic option for setting a default topic.");
        }
        Integer partitionNumber = partition == ABSENT || row.isNullAt(partition) ? null : row.getInt(partition);
        return new ProducerRecord<>(
                topicName,
                partitionNumber,
                null,
                avroKey != null ? avroKey.encode(row) : bytes(row, key, stringKey),
                avroValue != null ? avroValue.encode(row) : bytes(row, value, stringValue),
                headers(row));
    }

    private static byte[] bytes(InternalRow row, int ordinal, boolean string) {
        if (ordinal == ABSENT || row.isNullAt(ordinal)) {
            return null;
        }
        return string ? row.getUTF8String(ordinal).getBytes() : row.getBinary(ordinal);
    }

    private List<Header> headers(InternalRow row) {
        if (headers == ABSENT || row.isNullAt(headers)) {
            return null;
        }
        ArrayData array = row.getArray(headers);
        List<Header> result = new ArrayList<>(array.numElements());
        for (int i = 0; i < array.numElements(); i++) {
            InternalRow header = array.getStruct(i, 2);
            result.add(new RecordHeader(header.getUTF8String(0).toString(), header.getBinary(1)));
        }
        return result;
    }

    /** The encoder of the column {@code name} if it is there and its format option says avro, else null. */
    private static AvroSinkEncoder avroEncoder(StructType schema, String name, Map<String, String> options) {
        int ordinal = ordinal(schema, name);
        if (ordinal == ABSENT) {
            return null;
        }
        return AvroSinkEncoder.forColumn(options, name, ordinal, schema.fields()[ordinal].dataType())
                .orElse(null);
    }

    private static int ordinal(StructType schema, String name) {
        return Arrays.asList(schema.fieldNames()).indexOf(name);
    }

    /**
     * The ordinal of the first column named {@code name}; {@link #ABSENT} if there is none and it
     * is not required.
     *
     * @throws IllegalStateException with spark-sql-kafka-0-10's message when the column is required
     *     and missing or of a type not in {@code desired}
     */
    private static int column(StructType schema, String name, List<DataType> desired, boolean required) {
        StructField[] fields = schema.fields();
        int ordinal = ordinal(schema, name);
        if (ordinal == ABSENT) {
            if (!required) {
                return ABSENT;
            }
            throw new IllegalStateException(
                    name.equals(TOPIC)
                            ? "topic option required when no 'topic' attribute is present. Use the topic option"
                                    + " for setting a topic."
                            : "Required attribute '" + name + "' not found");
        }
        DataType type = fields[ordinal].dataType();
        if (desired.stream().noneMatch(d -> DataTypeUtils.sameType(d, type))) {
            throw new IllegalStateException(name + " attribute unsupported type " + type.catalogString() + ". "
                    + name + " must be a(n) "
                    + desired.stream().map(DataType::catalogString).collect(Collectors.joining(" or ")));
        }
        return ordinal;
    }
}
