package io.millrace.connector.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.connector.transactions.TransactionResumer.ProducerSession;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Fails when the kafka-clients on the classpath is not the one {@link TransactionResumer}'s
 * reflection was verified with, or when the internals it touches are gone. On an upgrade: run
 * both connectors' exactly-once ITs (Flink's {@code SinkTransactionsIT} first, Spark's
 * {@code ExactlyOnceSinkIT}) against the new version, check the
 * internals TransactionResumer touches (KafkaProducer's transactionManager; TransactionManager's
 * producerIdAndEpoch, transactionStarted, transitionTo and State), then raise
 * {@link TransactionResumer#VERIFIED_KAFKA_CLIENTS_VERSION}.
 */
class TransactionResumerTest {

    @Test
    void theKafkaClientsOnTheClasspathAreTheVerifiedVersion() {
        assertThat(TransactionResumer.kafkaClientsVersion())
                .as("kafka-clients changed: re-verify TransactionResumer (see this test's Javadoc)")
                .isEqualTo(TransactionResumer.VERIFIED_KAFKA_CLIENTS_VERSION);
    }

    @Test
    void aFreshProducerTakesOverTheGivenProducerIdAndEpoch() {
        Properties config = new Properties();
        // nothing listens there: the producer never connects in this test
        config.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        config.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "job-0-0");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config);
        try {
            assertThat(TransactionResumer.session(producer)).isEqualTo(new ProducerSession(-1, (short) -1));

            TransactionResumer.resume(producer, new ProducerSession(4711, (short) 9));

            assertThat(TransactionResumer.session(producer)).isEqualTo(new ProducerSession(4711, (short) 9));
        } finally {
            producer.close(Duration.ZERO);
        }
    }
}
