package io.millrace.flink.formats.avro;

import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;

/**
 * A Flink {@link DeserializationSchema} for values written by a schema registry Avro serializer
 * (Confluent's wire format): each record's schema id names its writer schema, fetched from the
 * registry once per id, and the data is resolved to the reader schema given here (Avro schema
 * resolution), so records written with an older or newer compatible schema are read. Use it with
 * {@code MillraceSource.builder().setValueOnlyDeserializer(...)}. A record that is not in the wire
 * format, names an unknown id or cannot be resolved fails with an exception naming the id (the
 * source adds topic, partition and offset); a null value (a tombstone) yields nothing.
 *
 * @param <T> GenericRecord, or a generated SpecificRecord class
 */
public final class MillraceAvroDeserializationSchema<T> implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final RegistryAvroDecoder<T> decoder;
    private final TypeInformation<T> producedType;

    private MillraceAvroDeserializationSchema(RegistryAvroDecoder<T> decoder, TypeInformation<T> producedType) {
        this.decoder = decoder;
        this.producedType = producedType;
    }

    /** Reads GenericRecords of {@code readerSchema} from the registry at {@code registryUrl}. */
    public static MillraceAvroDeserializationSchema<GenericRecord> forGeneric(Schema readerSchema, String registryUrl) {
        return forGeneric(readerSchema, registryUrl, Map.of());
    }

    /**
     * As {@link #forGeneric(Schema, String)}, with further registry client settings under
     * Confluent's keys (e.g. {@code basic.auth.credentials.source}, {@code basic.auth.user.info}).
     */
    public static MillraceAvroDeserializationSchema<GenericRecord> forGeneric(
            Schema readerSchema, String registryUrl, Map<String, String> registryConfigs) {
        return forGeneric(readerSchema, RegistrySettings.of(registryUrl, registryConfigs));
    }

    static MillraceAvroDeserializationSchema<GenericRecord> forGeneric(Schema readerSchema, RegistrySettings registry) {
        return new MillraceAvroDeserializationSchema<>(
                new RegistryAvroDecoder<>(readerSchema, null, registry), new GenericRecordAvroTypeInfo(readerSchema));
    }

    /** Reads instances of the generated class {@code type} (its schema is the reader schema). */
    public static <T extends SpecificRecord> MillraceAvroDeserializationSchema<T> forSpecific(
            Class<T> type, String registryUrl) {
        return forSpecific(type, registryUrl, Map.of());
    }

    /** As {@link #forSpecific(Class, String)}, with further registry client settings (Confluent's keys). */
    public static <T extends SpecificRecord> MillraceAvroDeserializationSchema<T> forSpecific(
            Class<T> type, String registryUrl, Map<String, String> registryConfigs) {
        Schema readerSchema = SpecificData.get().getSchema(type);
        return new MillraceAvroDeserializationSchema<>(
                new RegistryAvroDecoder<>(readerSchema, type, RegistrySettings.of(registryUrl, registryConfigs)),
                TypeInformation.of(type));
    }

    @Override
    public void open(InitializationContext context) {
        decoder.open();
    }

    @Override
    public T deserialize(byte[] message) throws IOException {
        return decoder.decode(message);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }
}
