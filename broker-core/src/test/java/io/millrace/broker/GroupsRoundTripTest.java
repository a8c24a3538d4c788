package io.millrace.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.config.BrokerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In-process smoke test of consumer groups with the real Java clients, for both group protocols:
 * subscribe, consume, commit, and a second consumer resuming at the committed offsets. The
 * multi-process suites live in integration-tests.
 */
class GroupsRoundTripTest {

    @RegisterExtension
    final InProcessBroker broker = new InProcessBroker(
            Map.of(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "3", BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0"));

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void subscribedConsumerCommitsAndTheNextOneResumesThere(String protocol) throws Exception {
        broker.createTopic("orders", 2);
        produce(0, 20);

        List<String> first = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(protocol)) {
            consumer.subscribe(List.of("orders"));
            pollUntil(consumer, first, 20);
            Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(
                    new TopicPartition("orders", 0), new OffsetAndMetadata(10, "m0"),
                    new TopicPartition("orders", 1), new OffsetAndMetadata(10, "m1"));
            consumer.commitSync(offsets);
            assertThat(consumer.committed(offsets.keySet())).isEqualTo(offsets);
        }
        produce(20, 30);
        List<String> second = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(protocol)) {
            consumer.subscribe(List.of("orders"));
            pollUntil(consumer, second, 10);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(
                    java.util.Set.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1)));
            assertThat(committed.values()).allSatisfy(o -> assertThat(o).isNotNull());
        }

        assertThat(first).hasSize(20);
        assertThat(second)
                .as("resumed exactly after the committed offsets")
                .containsExactlyInAnyOrderElementsOf(range(20, 30));
        try (Admin admin = broker.admin()) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("g-" + protocol))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get("g-" + protocol);
            assertThat(d.groupState()).isEqualTo(GroupState.EMPTY);
        }
    }

    private KafkaConsumer<String, String> consumer(String protocol) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + protocol);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        return new KafkaConsumer<>(c);
    }

    private void produce(int from, int to) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("orders", i % 2, "k" + i, "v" + i))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void pollUntil(KafkaConsumer<String, String> consumer, List<String> into, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (into.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                into.add(r.value());
            }
        }
    }

    private static List<String> range(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("v" + i);
        }
        return out;
    }
}
