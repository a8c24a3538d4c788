package io.millrace.it;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer application for the group tests, run in its own JVM: subscribes to one topic in a
 * group, "processes" each record by printing it, and commits synchronously after processing each
 * batch (and before giving partitions up). Every line on stdout is one event:
 * <pre>
 *   READY
 *   ASSIGNED p,p,...      partitions assigned (the full set for eager protocols)
 *   REVOKED p,p,...
 *   RECORD partition offset value
 *   COMMITTED
 *   COMMIT-FAILED reason
 * </pre>
 * Arguments: bootstrap group topic sessionTimeoutMs [group.protocol].
 */
public final class GroupConsumerMain {

    private GroupConsumerMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, args[3]);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, args.length > 4 ? args[4] : "classic");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        AtomicBoolean stopping = new AtomicBoolean();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopping.set(true);
                consumer.wakeup();
                try {
                    main.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            consumer.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    emit(out, "REVOKED " + numbers(partitions));
                    commit(consumer, out);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    emit(out, "ASSIGNED " + numbers(partitions));
                }
            });
            emit(out, "READY");
            while (!stopping.get()) {
                ConsumerRecords<String, String> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    break;
                }
                if (records.isEmpty()) {
                    continue;
                }
                StringBuilder batch = new StringBuilder();
                for (ConsumerRecord<String, String> r : records) {
                    batch.append("RECORD ")
                            .append(r.partition())
                            .append(' ')
                            .append(r.offset())
                            .append(' ')
                            .append(r.value())
                            .append('\n');
                }
                out.print(batch);
                out.flush();
                commit(consumer, out);
            }
        }
    }

    private static void commit(KafkaConsumer<String, String> consumer, PrintStream out) {
        try {
            consumer.commitSync();
            emit(out, "COMMITTED");
        } catch (RuntimeException e) {
            emit(out, "COMMIT-FAILED " + e);
        }
    }

    private static void emit(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }

    private static String numbers(Collection<TopicPartition> partitions) {
        TreeSet<Integer> sorted = new TreeSet<>();
        partitions.forEach(tp -> sorted.add(tp.partition()));
        StringBuilder s = new StringBuilder();
        for (int n : sorted) {
            s.append(s.length() == 0 ? "" : ",").append(n);
        }
        return s.toString();
    }
}
