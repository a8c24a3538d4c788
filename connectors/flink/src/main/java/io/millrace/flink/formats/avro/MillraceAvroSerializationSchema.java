package io.millrace.flink.formats.avro;

import io.millrace.schema.serde.KafkaAvroSerdeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * A Flink {@link SerializationSchema} writing Avro values in the schema registry wire format
 * (Confluent's: magic byte 0, 4-byte schema id, Avro binary). When a task opens it, the schema is
 * registered under the subject (an existing identical version keeps its id); with
 * {@code auto.register.schemas=false} among the registry settings it must be registered already.
 * Use it in {@code MillraceRecordSerializationSchema.builder().setValueSerializationSchema(...)}.
 *
 * @param <T> GenericRecord, or a generated SpecificRecord class
 */
public final class MillraceAvroSerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final RegistryAvroEncoder<T> encoder;

    private MillraceAvroSerializationSchema(RegistryAvroEncoder<T> encoder) {
        this.encoder = encoder;
    }

    /** Writes GenericRecords of {@code schema}, registered under {@code subject} (e.g. {@code orders-value}). */
    public static MillraceAvroSerializationSchema<GenericRecord> forGeneric(
            String subject, Schema schema, String registryUrl) {
        return forGeneric(subject, schema, registryUrl, Map.of());
    }

    /**
     * As {@link #forGeneric(String, Schema, String)}, with further registry client settings under
     * Confluent's keys (e.g. {@code auto.register.schemas}, {@code basic.auth.user.info}).
     */
    public static MillraceAvroSerializationSchema<GenericRecord> forGeneric(
            String subject, Schema schema, String registryUrl, Map<String, String> registryConfigs) {
        return new MillraceAvroSerializationSchema<>(encoder(subject, schema, null, registryUrl, registryConfigs));
    }

    static MillraceAvroSerializationSchema<GenericRecord> forGeneric(
            String subject, Schema schema, boolean autoRegister, RegistrySettings registry) {
        return new MillraceAvroSerializationSchema<>(
                new RegistryAvroEncoder<>(subject, schema, null, autoRegister, registry));
    }

    /** Writes instances of the generated class {@code type} with its schema, registered under {@code subject}. */
    public static <T extends SpecificRecord> MillraceAvroSerializationSchema<T> forSpecific(
            Class<T> type, String subject, String registryUrl) {
        return forSpecific(type, subject, registryUrl, Map.of());
    }

    /** As {@link #forSpecific(Class, String, String)}, with further registry client settings (Confluent's keys). */
    public static <T extends SpecificRecord> MillraceAvroSerializationSchema<T> forSpecific(
            Class<T> type, String subject, String registryUrl, Map<String, String> registryConfigs) {
        return new MillraceAvroSerializationSchema<>(
                encoder(subject, SpecificData.get().getSchema(type), type, registryUrl, registryConfigs));
    }

    private static <T> RegistryAvroEncoder<T> encoder(
            String subject, Schema schema, Class<T> type, String registryUrl, Map<String, String> registryConfigs) {
        boolean autoRegister =
                Boolean.parseBoolean(registryConfigs.getOrDefault(KafkaAvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "true"));
        return new RegistryAvroEncoder<>(
                subject, schema, type, autoRegister, RegistrySettings.of(registryUrl, registryConfigs));
    }

    @Override
    public void open(InitializationContext context) throws IOException {
        encoder.open();
    }

    @Override
    public byte[] serialize(T element) {
        try {
            return encoder.encode(element);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a record as Avro", e);
        }
    }
}
