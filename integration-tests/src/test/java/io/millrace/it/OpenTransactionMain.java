package io.millrace.it;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A writer that opens a transaction and never ends it, run in its own JVM so the test can SIGKILL
 * it, as Flink's exactly-once sink leaves a pre-committed transaction behind when a task dies: it
 * initializes its transactional id, writes {@code count} records to partition 0 of the topic,
 * flushes, prints {@code OPEN <producerId> <epoch>} (read from the producer's internals, as Flink's
 * sink stores them in its checkpoint) and waits to be killed.
 * Arguments: bootstrap transactionalId topic count transactionTimeoutMs.
 */
public final class OpenTransactionMain {

    private OpenTransactionMain() {}

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, args[1]);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, args[4]);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        producer.initTransactions();
        producer.beginTransaction();
        int count = Integer.parseInt(args[3]);
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(args[2], 0, null, ("resumed-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        long[] idAndEpoch = ResumeTransactionMain.producerIdAndEpoch(producer);
        System.out.println("OPEN " + idAndEpoch[0] + " " + idAndEpoch[1]);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
