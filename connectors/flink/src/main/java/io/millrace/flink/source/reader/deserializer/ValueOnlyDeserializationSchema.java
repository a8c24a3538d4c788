package io.millrace.flink.source.reader.deserializer;

import java.io.IOException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record's value through a Flink {@link DeserializationSchema}. Thread confinement as its interface. */
final class ValueOnlyDeserializationSchema<V> implements MillraceRecordDeserializationSchema<V> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<V> valueSchema;

    ValueOnlyDeserializationSchema(DeserializationSchema<V> valueSchema) {
        this.valueSchema = valueSchema;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        valueSchema.open(context);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<V> out) throws IOException {
        valueSchema.deserialize(record.value(), out);
    }

    @Override
    public TypeInformation<V> getProducedType() {
        return valueSchema.getProducedType();
    }
}
