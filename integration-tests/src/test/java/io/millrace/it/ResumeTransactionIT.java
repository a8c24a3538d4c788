package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.TestJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flink's exactly-once recovery: a writer process opens a transaction, records its producer id and
 * epoch and is killed with SIGKILL; a new process commits the transaction by that (producer id,
 * epoch) without InitProducerId, also after a kill -9 and restart of the broker in between. The
 * records then become visible to read_committed exactly once. The transaction timeout is long, as
 * Flink sets it, and the broker checks for timed-out transactions every second: it must not abort
 * the transaction early.
 */
class ResumeTransactionIT {

    private static final int RECORDS = 25;
    private static final String TRANSACTION_TIMEOUT_MS = "600000";

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder()
            .override("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
            .build();

    @ParameterizedTest(name = "broker restarted before the commit: {0}")
    @ValueSource(booleans = {false, true})
    void aNewProcessCommitsTheTransactionOfAKilledWriterByItsProducerIdAndEpoch(boolean restartBroker) {
        String topic = "resume-" + restartBroker;
        String txnId = "flink-sink-" + restartBroker;
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());

        List<String> writerOut = new CopyOnWriteArrayList<>();
        TestJvm writer = broker.startJvm(
                "writer",
                OpenTransactionMain.class,
                List.of(broker.bootstrap(), txnId, topic, String.valueOf(RECORDS), TRANSACTION_TIMEOUT_MS),
                writerOut::add);
        String open = Await.value(
                "the writer's transaction is open",
                Duration.ofSeconds(90),
                () -> writerOut.stream()
                        .filter(l -> l.startsWith("OPEN "))
                        .findFirst()
                        .orElse(null),
                line -> line != null || !writer.isAlive());
        assertThat(open).as(writer.stderrTail()).isNotNull();
        String[] fields = open.split(" ");
        writer.kill9();

        if (restartBroker) {
            broker.kill9();
            broker.restart();
        }
        assertThat(committed(topic)).as("nothing is visible before the commit").isEmpty();
        assertThat(describe(txnId).state())
                .as("the transaction waits for its owner; no early abort")
                .isEqualTo(TransactionState.ONGOING);

        List<String> resumeOut = new CopyOnWriteArrayList<>();
        TestJvm resumer = broker.startJvm(
                "resumer",
                ResumeTransactionMain.class,
                List.of(broker.bootstrap(), txnId, fields[1], fields[2]),
                resumeOut::add);
        Await.until(
                "the resumed transaction is committed",
                Duration.ofSeconds(90),
                () -> resumeOut.contains("COMMITTED")
                        || resumeOut.stream().anyMatch(l -> l.startsWith("FAILED"))
                        || !resumer.isAlive());
        assertThat(resumeOut).as(resumer.stderrTail()).contains("COMMITTED");

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add("resumed-" + i);
        }
        assertThat(committed(topic)).containsExactlyElementsOf(expected);
        assertThat(describe(txnId).state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
    }

    private TransactionDescription describe(String txnId) {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            return Clients.await(admin.describeTransactions(List.of(txnId)).description(txnId));
        }
    }

    /** What read_committed sees of the topic, read up to its last stable offset. */
    private List<String> committed(String topic) {
        return Clients.readCommittedText(broker.bootstrap(), new TopicPartition(topic, 0));
    }
}
