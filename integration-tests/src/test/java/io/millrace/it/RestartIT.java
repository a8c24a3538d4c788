package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A clean shutdown (SIGTERM) and restart on the same data directory keeps every record and offset. */
class RestartIT {

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void cleanRestartKeepsEveryRecordAndAnIdempotentProducerCarriesOn() {
        String topic = "restarted";
        int partitions = 3;
        long half = 30_000;
        Clients.createTopic(broker.bootstrap(), topic, partitions, Map.of("segment.bytes", "65536"));
        GeneratedRecords records = new GeneratedRecords(0x5EED, partitions, System.currentTimeMillis() - 60_000);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();

        // One producer (one producer id, one sequence per partition) on both sides of the restart:
        // the broker must remember its sequence numbers across the restart.
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            send(producer, records, topic, 0, half, acknowledged, firstError);
            producer.flush();
            assertThat(firstError.get()).as("send failure before the restart").isNull();

            broker.stop();
            broker.restart();

            send(producer, records, topic, half, 2 * half, acknowledged, firstError);
            producer.flush();
        }
        assertThat(firstError.get()).as("send failure after the restart").isNull();
        assertThat(acknowledged.get()).isEqualTo(2 * half);

        records.assertTopicHolds(broker.bootstrap(), topic, 2 * half);
        broker.stop();
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            GeneratedRecords records,
            String topic,
            long from,
            long to,
            AtomicLong acknowledged,
            AtomicReference<Exception> firstError) {
        for (long i = from; i < to; i++) {
            producer.send(records.record(topic, i), (metadata, error) -> {
                if (error == null) {
                    acknowledged.incrementAndGet();
                } else {
                    firstError.compareAndSet(null, error);
                }
            });
        }
    }
}
