package io.millrace.bench.flink;

import io.millrace.flink.sink.MillraceRecordSerializationSchema;
import io.millrace.flink.sink.MillraceSink;
import io.millrace.flink.source.MillraceSource;
import io.millrace.flink.source.reader.deserializer.MillraceRecordDeserializationSchema;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The two connectors under test, each building the benchmark's source and sink with its own
 * builder and otherwise the same settings: byte-array (de)serializers, values only, no key, the
 * producer's own partitioning, {@code read_committed} (Millrace's default, set explicitly for the
 * stock source), every other setting the connector's default.
 */
enum Connector {
    MILLRACE("millrace", "millrace-connector-flink") {
        @Override
        DataStream<byte[]> source(StreamExecutionEnvironment env, String bootstrap, String topic) {
            MillraceSource<byte[]> source = MillraceSource.<byte[]>builder()
                    .setBootstrapServers(bootstrap)
                    .setTopics(topic)
                    .setStartingOffsets(io.millrace.flink.source.enumerator.initializer.OffsetsInitializer.earliest())
                    .setBounded(io.millrace.flink.source.enumerator.initializer.OffsetsInitializer.latest())
                    .setDeserializer(MillraceRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class))
                    .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED)
                    .build();
            return env.fromSource(source, WatermarkStrategy.noWatermarks(), "millrace-source");
        }

        @Override
        Sink<byte[]> sink(
                String bootstrap,
                String topic,
                DeliveryGuarantee guarantee,
                String transactionalIdPrefix,
                Properties producerConfig) {
            return MillraceSink.<byte[]>builder()
                    .setBootstrapServers(bootstrap)
                    .setKafkaProducerConfig(producerConfig)
                    .setDeliveryGuarantee(guarantee)
                    .setTransactionalIdPrefix(transactionalIdPrefix)
                    .setRecordSerializer(MillraceRecordSerializationSchema.<byte[]>builder()
                            .setTopic(topic)
                            .setKafkaValueSerializer(ByteArraySerializer.class)
                            .build())
                    .build();
        }
    },
    STOCK("stock", "flink-connector-kafka") {
        @Override
        DataStream<byte[]> source(StreamExecutionEnvironment env, String bootstrap, String topic) {
            KafkaSource<byte[]> source = KafkaSource.<byte[]>builder()
                    .setBootstrapServers(bootstrap)
                    .setTopics(topic)
                    .setStartingOffsets(
                            org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer
                                    .earliest())
                    .setBounded(
                            org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer.latest())
                    .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class))
                    .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED)
                    .build();
            return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-source");
        }

        @Override
        Sink<byte[]> sink(
                String bootstrap,
                String topic,
                DeliveryGuarantee guarantee,
                String transactionalIdPrefix,
                Properties producerConfig) {
            return KafkaSink.<byte[]>builder()
                    .setBootstrapServers(bootstrap)
                    .setKafkaProducerConfig(producerConfig)
                    .setDeliveryGuarantee(guarantee)
                    .setTransactionalIdPrefix(transactionalIdPrefix)
                    .setRecordSerializer(KafkaRecordSerializationSchema.<byte[]>builder()
                            .setTopic(topic)
                            .setKafkaValueSerializer(ByteArraySerializer.class)
                            .build())
                    .build();
        }
    };

    private static final String READ_COMMITTED = "read_committed";

    private final String id;
    private final String artifact;

    Connector(String id, String artifact) {
        this.id = id;
        this.artifact = artifact;
    }

    /** A bounded source of every record the topic has when the job starts, from the earliest offset. */
    abstract DataStream<byte[]> source(StreamExecutionEnvironment env, String bootstrap, String topic);

    /** A sink writing record values to {@code topic}, its producer with {@code producerConfig} added. */
    abstract Sink<byte[]> sink(
            String bootstrap,
            String topic,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            Properties producerConfig);

    /** The name in reports and on the command line. */
    String id() {
        return id;
    }

    /** The Maven artifact, for reports. */
    String artifact() {
        return artifact;
    }

    static Connector byId(String id) {
        for (Connector connector : values()) {
            if (connector.id.equals(id)) {
                return connector;
            }
        }
        throw new IllegalArgumentException("No connector " + id + "; one of millrace, stock");
    }
}
