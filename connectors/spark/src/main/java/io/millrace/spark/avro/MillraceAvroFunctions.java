package io.millrace.spark.avro;

import io.millrace.schema.client.SchemaMetadata;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Column functions for registry Avro, for users who decode or encode themselves (Spark's own
 * {@code from_avro}/{@code to_avro} live in the spark-avro module, which neither needs):
 *
 * <pre>{@code
 * import static io.millrace.spark.avro.MillraceAvroFunctions.from_millrace_avro;
 * df.select(from_millrace_avro(col("value"), "orders-value",
 *         Map.of("schema.registry.url", "http://registry:8081")).alias("order"));
 * }</pre>
 *
 * <p>Options: {@code schema.registry.*} as for the source ({@link RegistrySettings}) and
 * {@code schemaVersion}: a version number or {@code latest} (the default). Decoding reads with
 * that version of the subject, resolving each message's writer schema to it. Encoding takes a
 * struct column and, without {@code schemaVersion}, registers the schema derived from the struct
 * under the subject (only looks it up with {@code schema.registry.auto.register.schemas=false});
 * with it, writes with that version, matching fields by name. Both resolve the registry when the
 * column is created, or, for a derived schema, when a task meets the first row. Callable from
 * Scala as {@code MillraceAvroFunctions.from_millrace_avro(...)} and from PySpark through the JVM
 * gateway (see the README). Stateless.
 */
public final class MillraceAvroFunctions {

    /** The option that pins the subject's version for the functions. */
    public static final String SCHEMA_VERSION = "schemaVersion";

    private MillraceAvroFunctions() {}

    /**
     * The struct (or other value) of the Avro messages in the binary column {@code data}, in the
     * registry's wire format, read as the latest (or {@code schemaVersion}) version of
     * {@code subject}. Null for null.
     */
    @SuppressWarnings("MethodName") // named as Spark's from_avro, for users of both
    public static Column from_millrace_avro(Column data, String subject, Map<String, String> options) {
        RegistrySettings registry = RegistrySettings.of(options, "from_millrace_avro");
        SchemaMetadata metadata = RegisteredSchemas.lookUp(registry, subject, version(options), "subject");
        RegistryAvroDeserializer deserializer = new RegistryAvroDeserializer(
                registry,
                RegisteredSchemas.avroSchema(registry, metadata),
                "subject '" + subject + "' version " + metadata.version());
        return functions
                .udf(new DecodeFunction(deserializer), deserializer.dataType())
                .apply(data);
    }

    /**
     * The registry wire format of the struct column {@code data} under {@code subject}: its
     * derived schema registered there, or the {@code schemaVersion} version of it. Null for null.
     */
    @SuppressWarnings("MethodName") // named as Spark's to_avro, for users of both
    public static Column to_millrace_avro(Column data, String subject, Map<String, String> options) {
        RegistrySettings registry = RegistrySettings.of(options, "to_millrace_avro");
        EncodeFunction encode;
        if (AvroFormatOptions.hasVersion(AvroFormatOptions.lowerCased(options), SCHEMA_VERSION)) {
            SchemaMetadata metadata = RegisteredSchemas.lookUp(registry, subject, version(options), "subject");
            encode = EncodeFunction.withSchema(metadata.id(), RegisteredSchemas.avroSchema(registry, metadata));
        } else {
            encode = EncodeFunction.derived(registry, subject);
        }
        return functions.udf(encode, DataTypes.BinaryType).apply(data);
    }

    private static Integer version(Map<String, String> options) {
        return AvroFormatOptions.version(AvroFormatOptions.lowerCased(options), SCHEMA_VERSION);
    }
}
