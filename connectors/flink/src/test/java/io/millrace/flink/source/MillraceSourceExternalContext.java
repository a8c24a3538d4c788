package io.millrace.flink.source;

import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import io.millrace.testing.Clients;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Millrace as the external system of Flink's connector test framework. Each split the framework
 * asks for is either one more partition of a single topic ({@link Layout#PARTITIONS}, read with
 * {@code setTopics}), or one more topic of a stream ({@link Layout#STREAM_TOPICS}, read with
 * {@code setStreams}), whose writer commits every batch in a transaction, so the reads cross
 * transaction markers. Not thread-safe: the framework drives it from the test thread.
 */
final class MillraceSourceExternalContext implements DataStreamSourceExternalContext<String> {

    /** How the framework's splits map to Millrace. */
    enum Layout {
        PARTITIONS,
        STREAM_TOPICS
    }

    private final String bootstrap;
    private final Layout layout;
    private final String name =
            "suite-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    private final Admin admin;
    private final List<SplitWriter> writers = new ArrayList<>();

    MillraceSourceExternalContext(String bootstrap, Layout layout) {
        this.bootstrap = bootstrap;
        this.layout = layout;
        this.admin = Clients.admin(bootstrap);
    }

    @Override
    public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
        MillraceSourceBuilder<String> builder = MillraceSource.<String>builder()
                .setBootstrapServers(bootstrap)
                .setGroupId(name + "-group-" + ThreadLocalRandom.current().nextInt(1_000_000))
                .setValueOnlyDeserializer(new SimpleStringSchema());
        if (layout == Layout.PARTITIONS) {
            builder.setTopics(name);
        } else {
            builder.setStreams(name);
        }
        if (settings.getBoundedness() == Boundedness.BOUNDED) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    @Override
    public ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(TestingSourceSettings settings) {
        int split = writers.size();
        SplitWriter writer;
        if (layout == Layout.PARTITIONS) {
            if (split == 0) {
                Clients.createTopic(admin, name, 1, Map.of());
            } else {
                Clients.await(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(split + 1)))
                        .all());
            }
            writer = new SplitWriter(bootstrap, new TopicPartition(name, split), null);
        } else {
            String topic = name + ":split-" + split;
            Clients.createTopic(admin, topic, 1, Map.of());
            writer = new SplitWriter(bootstrap, new TopicPartition(topic, 0), topic + "-writer");
        }
        writers.add(writer);
        return writer;
    }

    @Override
    public List<String> generateTestData(TestingSourceSettings settings, int splitIndex, long seed) {
        Random random = new Random(seed);
        int count = 50 + random.nextInt(150);
        List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(splitIndex + "-" + i + "-" + Long.toUnsignedString(random.nextLong(), 36));
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
        writers.forEach(SplitWriter::close);
        List<String> topics =
                writers.stream().map(w -> w.partition.topic()).distinct().toList();
        Clients.await(admin.deleteTopics(topics).all());
        admin.close();
    }

    @Override
    public String toString() {
        return layout == Layout.PARTITIONS ? "partitions of a topic" : "topics of a stream, transactional";
    }

    /** Writes a split's records to one partition, in a transaction per batch when it has an id. */
    private static final class SplitWriter implements ExternalSystemSplitDataWriter<String> {

        private final TopicPartition partition;
        private final KafkaProducer<byte[], byte[]> producer;
        private final boolean transactional;

        SplitWriter(String bootstrap, TopicPartition partition, String transactionalId) {
            this.partition = partition;
            this.transactional = transactionalId != null;
            this.producer = Clients.producer(
                    bootstrap,
                    transactional ? Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId) : Map.of());
            if (transactional) {
                producer.initTransactions();
            }
        }

        @Override
        public void writeRecords(List<String> records) {
            if (transactional) {
                producer.beginTransaction();
            }
            for (String record : records) {
                producer.send(new ProducerRecord<>(
                        partition.topic(), partition.partition(), null, record.getBytes(StandardCharsets.UTF_8)));
            }
            if (transactional) {
                producer.commitTransaction();
            } else {
                producer.flush();
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
