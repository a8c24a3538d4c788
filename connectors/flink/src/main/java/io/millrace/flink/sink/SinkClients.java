package io.millrace.flink.sink;

import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Makes the kafka-clients the sink talks to the broker through, from the producer properties the
 * builder settled. Stateless.
 */
final class SinkClients {

    private SinkClients() {}

    /** A producer of byte-array records with the sink's properties (no transactional id). */
    static KafkaProducer<byte[], byte[]> producer(Properties producerConfig) {
        return new KafkaProducer<>(producerConfig);
    }

    /** A producer for one transactional id; not yet initialized. */
    static KafkaProducer<byte[], byte[]> transactionalProducer(Properties producerConfig, String transactionalId) {
        Properties config = new Properties();
        config.putAll(producerConfig);
        config.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(config);
    }

    /** An admin client with the connection and security settings among the producer properties. */
    static Admin admin(Properties producerConfig) {
        Properties config = new Properties();
        for (String name : AdminClientConfig.configNames()) {
            String value = producerConfig.getProperty(name);
            if (value != null) {
                config.setProperty(name, value);
            }
        }
        return Admin.create(config);
    }
}
