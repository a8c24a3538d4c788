package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Clients;
import io.millrace.testing.KafkaCli;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Kafka's {@code kafka-transactions} tool (TransactionsCommand of the pinned release, in its
 * own JVM) sees and fixes transactions on the broker: {@code list}, {@code describe},
 * {@code describe-producers}, {@code find-hanging} and {@code abort} of an open transaction by its
 * start offset.
 */
class TransactionsCliIT {

    private static final String TOPIC = "cli-txn";
    private static final String TXN_ID = "cli-writer";

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @BeforeAll
    static void createTopic() {
        Clients.createTopic(broker.bootstrap(), TOPIC, 1, Map.of());
    }

    @Test
    void listDescribeFindHangingAndAbortAnOpenTransaction() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TXN_ID))) {
            producer.initTransactions();
            producer.beginTransaction();
            // Timestamped 5 minutes ago, so find-hanging (which looks at transactions older than a minute)
            // takes it as a candidate and has to ask the coordinator about it.
            long fiveMinutesAgo =
                    System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
            RecordMetadata first = producer.send(new ProducerRecord<>(
                            TOPIC, 0, fiveMinutesAgo, null, "pending".getBytes(StandardCharsets.UTF_8)))
                    .get();

            ProcessResult list = transactions("list");
            assertThat(list.exitCode()).as(list.describe()).isZero();
            assertThat(list.stdout()).as(list.describe()).containsPattern(TXN_ID + "\\s+0\\s+\\d+\\s+Ongoing");

            ProcessResult describe = transactions("describe", "--transactional-id", TXN_ID);
            assertThat(describe.exitCode()).as(describe.describe()).isZero();
            assertThat(describe.stdout())
                    .as(describe.describe())
                    .containsPattern(
                            "0\\s+" + TXN_ID + "\\s+\\d+\\s+0\\s+Ongoing\\s+60000\\s+\\d+\\s+\\d+\\s+" + TOPIC + "-0");

            ProcessResult producers = transactions("describe-producers", "--topic", TOPIC, "--partition", "0");
            assertThat(producers.exitCode()).as(producers.describe()).isZero();
            assertThat(producers.stdout())
                    .as(producers.describe())
                    .containsPattern("\\d+\\s+0\\s+-1\\s+0\\s+\\d+\\s+" + first.offset());

            ProcessResult hanging = transactions("find-hanging", "--broker-id", "0", "--max-transaction-timeout", "1");
            assertThat(hanging.exitCode()).as(hanging.describe()).isZero();
            assertThat(hanging.stdout())
                    .as(hanging.describe())
                    .contains("Topic")
                    .contains("StartOffset");
            assertThat(hanging.stdout())
                    .as("the coordinator still writes the open transaction's markers: not hanging")
                    .doesNotContain(TOPIC);

            ProcessResult abort = transactions(
                    "abort", "--topic", TOPIC, "--partition", "0", "--start-offset", String.valueOf(first.offset()));
            assertThat(abort.exitCode()).as(abort.describe()).isZero();
            ProcessResult after = transactions("describe-producers", "--topic", TOPIC, "--partition", "0");
            assertThat(after.stdout()).as(after.describe()).containsPattern("\\d+\\s+0\\s+\\d+\\s+0\\s+\\d+\\s+None");
            assertThat(Clients.readCommittedText(broker.bootstrap(), new TopicPartition(TOPIC, 0)))
                    .as("the aborted record is gone for read_committed")
                    .isEmpty();
            producer.abortTransaction();
        }
        ProcessResult done = transactions("describe", "--transactional-id", TXN_ID);
        assertThat(done.stdout()).as(done.describe()).contains("CompleteAbort");
    }

    private static ProcessResult transactions(String... args) {
        return KafkaCli.runAgainst(broker.bootstrap(), KafkaCli.TRANSACTIONS_COMMAND, args);
    }
}
