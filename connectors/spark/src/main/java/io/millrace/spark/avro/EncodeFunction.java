package io.millrace.spark.avro;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.types.DataType;
import scala.Function1;

/**
 * {@code to_millrace_avro}'s function: a struct's row (as Spark hands it to a UDF) to wire-format
 * bytes. The struct type is the row's own; its serializer is made once per type in each task's
 * copy: with the schema given, or by deriving the schema from the type and registering it.
 * Serializable; thread-safe.
 */
final class EncodeFunction implements UDF1<Object, byte[]> {

    private static final long serialVersionUID = 1L;

    /** Null when the schema is given. */
    private final RegistrySettings registry;

    private final String subject;
    private final int schemaId;
    /** Null when the schema is derived. */
    private final String schemaText;

    private transient volatile Map<DataType, Encoder> encoders;
    private transient volatile DataType schemaType;

    private record Encoder(Function1<Object, Object> toInternal, RegistryAvroSerializer serializer) {}

    private EncodeFunction(RegistrySettings registry, String subject, int schemaId, String schemaText) {
        this.registry = registry;
        this.subject = subject;
        this.schemaId = schemaId;
        this.schemaText = schemaText;
    }

    static EncodeFunction derived(RegistrySettings registry, String subject) {
        return new EncodeFunction(registry, subject, -1, null);
    }

    static EncodeFunction withSchema(int schemaId, Schema schema) {
        AvroSqlTypes.toSqlType(schema);
        return new EncodeFunction(null, null, schemaId, schema.toString());
    }

    @Override
    public byte[] call(Object value) {
        if (value == null) {
            return null;
        }
        if (encoders == null) {
            synchronized (this) {
                if (encoders == null) {
                    encoders = new ConcurrentHashMap<>();
                }
            }
        }
        DataType type = typeOf(value);
        Encoder encoder = encoders.computeIfAbsent(type, this::encoder);
        return encoder.serializer().encode(encoder.toInternal().apply(value));
    }

    private DataType typeOf(Object value) {
        if (value instanceof Row row && row.schema() != null) {
            return row.schema();
        }
        if (schemaText == null) {
            throw new IllegalArgumentException("to_millrace_avro derives the schema from a struct column;"
                    + " give 'schemaVersion' to write another type with a registered schema");
        }
        if (schemaType == null) {
            schemaType = AvroSqlTypes.toSqlType(new Schema.Parser().parse(schemaText));
        }
        return schemaType;
    }

    private Encoder encoder(DataType type) {
        RegistryAvroSerializer serializer = schemaText == null
                ? RegistryAvroSerializer.derived(registry, subject, type)
                : RegistryAvroSerializer.of(schemaId, new Schema.Parser().parse(schemaText), type);
        return new Encoder(CatalystTypeConverters.createToCatalystConverter(type), serializer);
    }
}
