package io.millrace.spark.avro;

import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import scala.Function1;

/**
 * {@code from_millrace_avro}'s function: wire-format bytes to the external value (a {@code Row}
 * for a struct) Spark expects of a UDF. Serializable; thread-safe.
 */
final class DecodeFunction implements UDF1<byte[], Object> {

    private static final long serialVersionUID = 1L;

    private final RegistryAvroDeserializer deserializer;
    private transient volatile Function1<Object, Object> toExternal;

    DecodeFunction(RegistryAvroDeserializer deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public Object call(byte[] message) {
        if (message == null) {
            return null;
        }
        if (toExternal == null) {
            toExternal = CatalystTypeConverters.createToScalaConverter(deserializer.dataType());
        }
        return toExternal.apply(deserializer.decode(message));
    }
}
