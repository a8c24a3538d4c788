package io.millrace.schema.serde;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.errors.SerializationException;

/** The Avro schema of a value to serialize, including Confluent's primitive mappings. */
final class AvroData {

    /** Confluent's primitive mappings: a value of the class (or a subtype) gets the type's schema. */
    private static final Map<Class<?>, Schema.Type> PRIMITIVES = Map.of(
            CharSequence.class, Schema.Type.STRING,
            Integer.class, Schema.Type.INT,
            Long.class, Schema.Type.LONG,
            Boolean.class, Schema.Type.BOOLEAN,
            Float.class, Schema.Type.FLOAT,
            Double.class, Schema.Type.DOUBLE,
            byte[].class, Schema.Type.BYTES,
            ByteBuffer.class, Schema.Type.BYTES);

    private AvroData() {}

    static Schema schemaOf(Object data) {
        if (data instanceof GenericContainer container) {
            return container.getSchema();
        }
        for (Map.Entry<Class<?>, Schema.Type> primitive : PRIMITIVES.entrySet()) {
            if (primitive.getKey().isInstance(data)) {
                return Schema.create(primitive.getValue());
            }
        }
        throw new SerializationException(
                "Cannot serialize a " + data.getClass().getName() + " with Avro: use a "
                        + "GenericRecord, a SpecificRecord, or a primitive (String, Integer, Long, Boolean, Float, Double, byte[])");
    }
}
