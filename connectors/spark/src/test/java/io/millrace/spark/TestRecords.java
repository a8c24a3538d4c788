package io.millrace.spark;

import io.millrace.testing.Clients;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.spark.sql.Row;

/** Writing test records and reading the text of rows. */
public final class TestRecords {

    private TestRecords() {}

    /** Writes {@code count} records {@code prefix-i} round-robin over the topic's partitions; returns their texts. */
    public static List<String> write(String bootstrap, String topic, String prefix, int count) {
        List<String> written = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap)) {
            for (int i = 0; i < count; i++) {
                String text = prefix + "-" + i;
                producer.send(new ProducerRecord<>(topic, bytes(text))).get();
                written.add(text);
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return written;
    }

    /** Writes one record to a partition and returns where it went. */
    public static RecordMetadata write(String bootstrap, ProducerRecord<byte[], byte[]> record) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap)) {
            return producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A producer with a transactional id, its transactions initialised. */
    public static KafkaProducer<byte[], byte[]> transactional(String bootstrap, String transactionalId) {
        KafkaProducer<byte[], byte[]> producer =
                Clients.producer(bootstrap, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
        producer.initTransactions();
        return producer;
    }

    /** Sends the texts in one transaction, then commits or aborts it. */
    public static void inTransaction(
            KafkaProducer<byte[], byte[]> producer, String topic, boolean commit, String... texts)
            throws ExecutionException, InterruptedException {
        producer.beginTransaction();
        for (String text : texts) {
            producer.send(new ProducerRecord<>(topic, bytes(text))).get();
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code value} column of the rows as text. */
    public static List<String> values(List<Row> rows) {
        return rows.stream()
                .map(row -> new String((byte[]) row.getAs("value"), StandardCharsets.UTF_8))
                .toList();
    }
}
