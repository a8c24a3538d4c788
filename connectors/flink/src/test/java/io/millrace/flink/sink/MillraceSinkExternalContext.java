package io.millrace.flink.sink;

import io.millrace.testing.Clients;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Millrace as the external system of Flink's sink test suite: the sink writes strings to a topic
 * of a stream of its own, with 4 partitions, and the suite reads them back with
 * {@code read_committed}. Every sink of one context shares its transactional id prefix, as the
 * jobs of one application do across restores. Not thread-safe: the framework drives it from the
 * test thread.
 */
final class MillraceSinkExternalContext implements DataStreamSinkV2ExternalContext<String> {

    private static final int PARTITIONS = 4;

    private final String bootstrap;
    private final String name =
            "sinksuite-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    private final String topic = name + ":out";
    private final List<KafkaConsumer<byte[], byte[]>> readers = new ArrayList<>();
    private boolean topicCreated;

    MillraceSinkExternalContext(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public Sink<String> createSink(TestingSinkSettings settings) {
        if (!topicCreated) {
            Clients.createTopic(bootstrap, topic, PARTITIONS, Map.of());
            topicCreated = true;
        }
        return CopyJobs.sink(bootstrap, topic, guarantee(settings), name, new Properties());
    }

    @Override
    public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
        KafkaConsumer<byte[], byte[]> consumer =
                Clients.consumer(bootstrap, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        readers.add(consumer);
        return new ExternalSystemDataReader<>() {
            @Override
            public List<String> poll(Duration timeout) {
                List<String> values = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
                return values;
            }

            @Override
            public void close() {
                consumer.close();
                readers.remove(consumer);
            }
        };
    }

    @Override
    public List<String> generateTestData(TestingSinkSettings settings, long seed) {
        Random random = new Random(seed);
        int count = 100 + random.nextInt(400);
        List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder value = new StringBuilder("r" + i + "-");
            int length = 1 + random.nextInt(40);
            for (int c = 0; c < length; c++) {
                value.append((char) ('a' + random.nextInt(26)));
            }
            records.add(value.toString());
        }
        return records;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return TypeInformation.of(String.class);
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return List.of();
    }

    @Override
    public void close() {
        readers.forEach(KafkaConsumer::close);
        readers.clear();
    }

    @Override
    public String toString() {
        return "topic " + topic;
    }

    @SuppressWarnings("deprecation") // the settings offer their mode only as the deprecated type
    private static DeliveryGuarantee guarantee(TestingSinkSettings settings) {
        return settings.getCheckpointingMode().name().equals(CheckpointingMode.EXACTLY_ONCE.name())
                ? DeliveryGuarantee.EXACTLY_ONCE
                : DeliveryGuarantee.AT_LEAST_ONCE;
    }
}
