package io.millrace.spark.avro;

import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * What the sink calls for {@code valueFormat=avro} (and {@code keyFormat=avro}): the encoder of one
 * column of its input rows, from the write's options. Created on the driver, where the options
 * are checked and the schema is registered (or looked up); then serialized to the tasks.
 *
 * <p>The subject is {@code valueSubject} / {@code keySubject}, by default {@code <topic>-value} /
 * {@code <topic>-key} of the {@code topic} option. Without {@code valueSchemaVersion} the schema is
 * derived from the column's struct type and registered under the subject (only looked up with
 * {@code schema.registry.auto.register.schemas=false}); with it ({@code latest} or a number), that
 * version of the subject is used and the struct's fields are matched to its fields by name.
 * Thread-safe.
 */
public final class AvroSinkEncoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int ordinal;
    private final RegistryAvroSerializer serializer;

    private AvroSinkEncoder(int ordinal, RegistryAvroSerializer serializer) {
        this.ordinal = ordinal;
        this.serializer = serializer;
    }

    /**
     * The encoder of column {@code column} ("key" or "value") at {@code ordinal} of the sink's
     * rows, of Spark type {@code columnType}, or empty when the options leave it binary.
     *
     * @param options the write's options as the user gave them (names in any case)
     * @throws IllegalArgumentException naming the option that is missing or wrong, or the field
     *     of the struct that does not fit the schema
     */
    public static Optional<AvroSinkEncoder> forColumn(
            Map<String, String> options, String column, int ordinal, DataType columnType) {
        AvroFormatOptions.Column names = new AvroFormatOptions.Column(column);
        Map<String, String> lower = AvroFormatOptions.lowerCased(options);
        if (!AvroFormatOptions.isAvro(lower, names)) {
            return Optional.empty();
        }
        RegistrySettings registry = RegistrySettings.of(options, names.formatOption() + "=avro");
        String topic = lower.get("topic");
        String subject = AvroFormatOptions.subject(
                lower, names, topic == null ? null : topic.trim(), "the write has no 'topic' option");
        RegistryAvroSerializer serializer = AvroFormatOptions.hasVersion(lower, names.versionOption())
                ? RegistryAvroSerializer.subjectVersion(
                        registry,
                        subject,
                        AvroFormatOptions.version(lower, names.versionOption()),
                        names.subjectOption(),
                        columnType)
                : RegistryAvroSerializer.derived(registry, subject, columnType);
        return Optional.of(new AvroSinkEncoder(ordinal, serializer));
    }

    /** The wire-format bytes of the column in {@code row}; null when the column is null. */
    public byte[] encode(InternalRow row) {
        return row.isNullAt(ordinal) ? null : serializer.encode(row.get(ordinal, serializer.dataType()));
    }

    /** The id of the registered schema the column is written with. */
    public int schemaId() {
        return serializer.schemaId();
    }
}
