package io.millrace.flink.source.reader.deserializer;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One element per record from a function of the whole record. Thread confinement as its interface. */
final class RecordConverterSchema<T> implements MillraceRecordDeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final TypeInformation<T> producedType;
    private final SerializableFunction<ConsumerRecord<byte[], byte[]>, T> converter;

    RecordConverterSchema(
            TypeInformation<T> producedType, SerializableFunction<ConsumerRecord<byte[], byte[]>, T> converter) {
        this.producedType = producedType;
        this.converter = converter;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
        T element = converter.apply(record);
        if (element != null) {
            out.collect(element);
        }
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }
}
