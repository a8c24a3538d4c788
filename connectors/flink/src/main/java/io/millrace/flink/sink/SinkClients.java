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

    static final int TRANSACTIONAL_RETRY_BACKOFF_MS = 10;

    private SinkClients() {}

    /** A producer of byte-array records with the sink's properties (no transactional id). */
    static KafkaProducer<byte[], byte[]> producer(Properties producerConfig) {
        return new KafkaProducer<>(producerConfig);
    }

    /**
     * A producer for one transactional id; not yet initialized. Unless the properties say otherwise
     * it retries after {@value #TRANSACTIONAL_RETRY_BACKOFF_MS} ms rather than kafka-clients' 100:
     * a new transactional producer waits one retry backoff after looking up its coordinator, once
     * per transaction for the writer and the committer alike.
     */
    static KafkaProducer<byte[], byte[]> transactionalProducer(Properties producerConfig, String transactionalId) {
        Properties config = new Properties();
        config.putAll(producerConfig);
        config.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, String.valueOf(TRANSACTIONAL_RETRY_BACKOFF_MS));
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
