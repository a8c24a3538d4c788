package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-record errors (KIP-467) as the clients see them: a batch refused for some of its records
 * fails exactly those records with the broker's message, fails the others of the batch as
 * collateral, stores nothing, and leaves the producer able to send the next batch.
 */
class RecordErrorsIT {

    /** What kafka-clients reports for the good records of a batch the broker refused for others. */
    private static final String COLLATERAL = "Failed to append record because it was part of a batch which had one";

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void keylessRecordsInABatchToACompactedTopicFailByNameAndTheProducerGoesOn() throws Exception {
        String topic = "keyed-state";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of("cleanup.policy", "compact"));
        String noKey = "Compacted topic cannot accept message without key in topic partition " + topic + "-0";

        try (KafkaProducer<byte[], byte[]> producer = lingeringProducer()) {
            List<Future<RecordMetadata>> sent = sendOneBatch(producer, topic, "k0", null, "k2", null, "k4");

            for (int i : new int[] {1, 3}) {
                assertThat(failure(sent.get(i)))
                        .as("record %d, without key", i)
                        .isExactlyInstanceOf(InvalidRecordException.class)
                        .hasMessage(noKey);
            }
            for (int i : new int[] {0, 2, 4}) {
                assertThat(failure(sent.get(i)))
                        .as("record %d, keyed, in the same batch", i)
                        .isExactlyInstanceOf(KafkaException.class)
                        .hasMessageStartingWith(COLLATERAL);
            }
            assertThat(endOffset(topic))
                    .as("nothing of the refused batch is stored")
                    .isZero();

            List<Future<RecordMetadata>> next = sendOneBatch(producer, topic, "k5", "k6");
            assertThat(next.get(0).get().offset()).isZero();
            assertThat(next.get(1).get().offset()).isEqualTo(1);
        }
        assertThat(broker.log()).contains(noKey);
    }

    @Test
    void aRecordStampedTooFarInTheFutureFailsAsInvalidTimestamp() throws Exception {
        String topic = "stamped";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of("message.timestamp.after.max.ms", "60000"));

        try (KafkaProducer<byte[], byte[]> producer = lingeringProducer()) {
            long now = System.currentTimeMillis();
            long future = now + 3_600_000L;
            Future<RecordMetadata> fine = producer.send(new ProducerRecord<>(topic, 0, now, null, utf8("fine")));
            Future<RecordMetadata> late = producer.send(new ProducerRecord<>(topic, 0, future, null, utf8("future")));
            producer.flush();

            assertThat(failure(late))
                    .as("the only bad record of its batch gets the exception of the partition's error code")
                    .isExactlyInstanceOf(InvalidTimestampException.class)
                    .hasMessageStartingWith("Timestamp " + future + " of message with offset 1 is out of range."
                            + " The timestamp should be within [");
            assertThat(failure(fine)).isExactlyInstanceOf(KafkaException.class).hasMessageStartingWith(COLLATERAL);
            assertThat(endOffset(topic)).isZero();
        }
    }

    /** A producer (idempotent, acks=all) that holds records until flushed, so a flush sends them as one batch. */
    private static KafkaProducer<byte[], byte[]> lingeringProducer() {
        return Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 60_000));
    }

    /** Sends one record per key (null: no key) to partition 0 and flushes them as one batch. */
    private static List<Future<RecordMetadata>> sendOneBatch(
            KafkaProducer<byte[], byte[]> producer, String topic, String... keys) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            byte[] key = keys[i] == null ? null : utf8(keys[i]);
            sent.add(producer.send(new ProducerRecord<>(topic, 0, key, utf8("value " + i))));
        }
        producer.flush();
        return sent;
    }

    private static Throwable failure(Future<RecordMetadata> sent) {
        Throwable thrown = catchThrowable(sent::get);
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    private static long endOffset(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap())) {
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
