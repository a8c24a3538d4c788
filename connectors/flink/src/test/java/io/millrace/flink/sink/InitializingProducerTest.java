package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The failure path; {@code MillraceSinkExactlyOnceIT} and the other sink ITs run the rest against a broker. */
class InitializingProducerTest {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFailedInitializationIsThrownByAwaitAsItWasThrown() {
        InitializingProducer producer = InitializingProducer.start(unreachable(), "sink-0-0", executor);

        assertThat(producer.transactionalId()).isEqualTo("sink-0-0");
        assertThatThrownBy(producer::await).isInstanceOf(TimeoutException.class);
    }

    @Test
    void closingAProducerWhoseInitializationFailsIsHarmless() {
        InitializingProducer producer = InitializingProducer.start(unreachable(), "sink-0-1", executor);

        producer.close();

        assertThatThrownBy(producer::await).isInstanceOf(TimeoutException.class);
    }

    /** A producer config whose {@code initTransactions()} gives up after 200 ms: no broker listens. */
    private static Properties unreachable() {
        Properties config = new Properties();
        config.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        config.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "200");
        config.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        return config;
    }
}
