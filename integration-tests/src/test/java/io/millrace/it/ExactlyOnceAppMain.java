package io.millrace.it;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A consume-transform-produce application with exactly-once semantics, run in its own JVM so the
 * test can kill it with SIGKILL at any point: a read_committed group consumer (static membership, so
 * a restarted instance takes its predecessor's place at once) and a transactional producer with a
 * fixed transactional id. Each poll becomes one transaction: the records are transformed
 * ({@code value -> "out:" + value}) to the output topic and the consumed offsets are committed with
 * {@code sendOffsetsToTransaction(offsets, consumer.groupMetadata())}.
 *
 * <p>Every step is printed on stdout, one line each: {@code READY}, {@code BEGIN}, {@code SENT n},
 * {@code OFFSETS}, {@code COMMITTED}; an unexpected failure prints {@code ERROR <exception>} and
 * exits. Arguments: bootstrap group inputTopic outputTopic transactionalId.
 */
public final class ExactlyOnceAppMain {

    private ExactlyOnceAppMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String bootstrap = args[0];
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, args[1] + "-instance");
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "25");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, args[4]);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p);
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            // Fences the killed predecessor and aborts its open transaction before anything is read.
            producer.initTransactions();
            consumer.subscribe(List.of(args[2]));
            out.println("READY");
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                out.println("BEGIN");
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                int sent = 0;
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(args[3], r.key(), "out:" + r.value()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    if (++sent % 10 == 0) {
                        out.println("SENT " + sent);
                    }
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                out.println("OFFSETS");
                producer.commitTransaction();
                out.println("COMMITTED");
            }
        } catch (RuntimeException e) {
            out.println("ERROR " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }
}
