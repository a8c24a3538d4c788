package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.millrace.connector.transactions.TransactionResumer;
import io.millrace.flink.sink.RecordingCommitRequest.Result;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once machinery against a real broker, below Flink: the committer commits the
 * transaction of a writer that is gone, by producer id and epoch; committing again is harmless; a
 * transaction the broker aborted for its timeout is reported as data loss; and the lingering
 * transactions a writer aborts on restore are exactly those of its spaces that the checkpoint does
 * not hand to the committer.
 */
class SinkTransactionsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String SCOPE = "job";

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("transaction.abort.timed.out.transaction.cleanup.interval.ms", "100")
            .build();

    @Test
    void theCommitterCommitsTheTransactionOfAGoneWriterAndAgainHarmlessly() {
        String topic = topic("commit");
        MillraceCommittable first = leaveOpen("commit-0-0", topic, Map.of(), "a1", "a2");
        assertThat(committed(topic)).as("nothing is visible before the commit").isEmpty();

        CommittedTransactions committedTransactions = new CommittedTransactions();
        MillraceCommitter committer = committer(committedTransactions);
        assertThat(commit(committer, first)).isEqualTo(Result.COMMITTED);
        assertThat(committed(topic)).containsExactly("a1", "a2");
        assertThat(committedTransactions.take(SCOPE, first))
                .as("the commit is recorded for the writer")
                .isTrue();
        assertThat(describe("commit-0-0").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);

        MillraceCommittable second = leaveOpen("commit-0-0", topic, Map.of(), "b1");
        assertThat(second.epoch()).as("a reused id gets a new epoch").isGreaterThan(first.epoch());
        assertThat(commit(committer, second))
                .as("the id's kept producer commits its next transaction")
                .isEqualTo(Result.COMMITTED);
        committer.close();

        MillraceCommitter afterRestore = committer(new CommittedTransactions());
        assertThat(commit(afterRestore, second))
                .as("committing a committed transaction again")
                .isEqualTo(Result.COMMITTED);
        afterRestore.close();
        assertThat(committed(topic)).containsExactly("a1", "a2", "b1");
    }

    @Test
    void aTransactionTheBrokerAbortedForItsTimeoutIsReportedAsDataLoss() {
        String topic = topic("timeout");
        MillraceCommittable lost =
                leaveOpen("timeout-0-0", topic, Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "200"), "lost");
        Await.until(
                "the broker to abort the transaction",
                DEADLINE,
                () -> describe("timeout-0-0").state() == TransactionState.COMPLETE_ABORT);

        Logger logger = (Logger) LoggerFactory.getLogger(MillraceCommitter.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        RecordingCommitRequest request = new RecordingCommitRequest(lost);
        CommittedTransactions committedTransactions = new CommittedTransactions();
        MillraceCommitter committer = committer(committedTransactions);
        try {
            committer.commit(List.of(request));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            committer.close();
            logger.detachAppender(log);
        }

        assertThat(request.result()).isEqualTo(Result.FAILED_KNOWN);
        assertThat(committedTransactions.take(SCOPE, lost)).isFalse();
        assertThat(log.list).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage())
                    .contains("DATA LOSS", "timeout-0-0", "transaction.timeout.ms", "CompleteAbort");
        });
        assertThat(committed(topic)).isEmpty();
    }

    @Test
    void aWriterAbortsTheOngoingTransactionsOfItsSpacesExceptThoseForTheCommitter() throws Exception {
        String topic = topic("linger");
        MillraceCommittable forCommitter = leaveOpen("linger-0-0", topic, Map.of(), "keep");
        leaveOpen("linger-0-1", topic, Map.of(), "lingering");
        MillraceCommittable reused = leaveOpen("linger-0-2", topic, Map.of(), "superseded");
        leaveOpen("linger-0-2", topic, Map.of(), "lingering on a reused id");
        leaveOpen("linger-1-0", topic, Map.of(), "another writer's");
        leaveOpen("linger-4-0", topic, Map.of(), "a lost attempt's, owned by writer 0");
        leaveOpen("linger-5-0", topic, Map.of(), "a lost attempt's, owned by writer 1");
        leaveOpen("lingering-0-0", topic, Map.of(), "another sink's");
        // writer 0 of 2 restored with the state of space 0 of 2
        SpaceOwnership ownership = SpaceOwnership.of(
                "linger", 0, 2, List.of(new MillraceWriterState("linger", 0, 2, List.of(forCommitter, reused))));

        List<String> aborted = LingeringTransactions.abort(broker.admin(), ownership);

        assertThat(aborted).containsExactlyInAnyOrder("linger-0-1", "linger-0-2", "linger-4-0");
        for (String id : List.of("linger-0-1", "linger-0-2", "linger-4-0")) {
            // fenced: aborted, then the fencing InitProducerId started an empty session
            assertThat(describe(id).state()).as(id).isEqualTo(TransactionState.EMPTY);
        }
        for (String id : List.of("linger-0-0", "linger-1-0", "linger-5-0", "lingering-0-0")) {
            assertThat(describe(id).state()).as(id).isEqualTo(TransactionState.ONGOING);
        }
        Clients.await(broker.admin()
                .fenceProducers(List.of("linger-1-0", "linger-5-0", "lingering-0-0"))
                .all());
        MillraceCommitter committer = committer(new CommittedTransactions());
        assertThat(commit(committer, forCommitter)).isEqualTo(Result.COMMITTED);
        committer.close();
        assertThat(broker.admin().listTransactions().all().get()).noneMatch(t -> t.state() == TransactionState.ONGOING);
        assertThat(committed(topic)).containsExactly("keep");
    }

    /** Opens a transaction with records on partition 0 of {@code topic} and closes its producer, leaving it open. */
    private static MillraceCommittable leaveOpen(
            String transactionalId, String topic, Map<String, String> overrides, String... values) {
        Properties config = config();
        overrides.forEach(config::setProperty);
        KafkaProducer<byte[], byte[]> producer = SinkClients.transactionalProducer(config, transactionalId);
        try {
            producer.initTransactions();
            producer.beginTransaction();
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            return MillraceCommittable.of(transactionalId, TransactionResumer.session(producer));
        } finally {
            producer.close(Duration.ZERO);
        }
    }

    private static MillraceCommitter committer(CommittedTransactions committedTransactions) {
        return new MillraceCommitter(config(), committedTransactions, SCOPE);
    }

    private static Result commit(MillraceCommitter committer, MillraceCommittable committable) {
        RecordingCommitRequest request = new RecordingCommitRequest(committable);
        try {
            committer.commit(List.of(request));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return request.result();
    }

    private static TransactionDescription describe(String transactionalId) {
        return Clients.await(
                broker.admin().describeTransactions(List.of(transactionalId)).description(transactionalId));
    }

    private static List<String> committed(String topic) {
        return new ArrayList<>(Clients.readCommittedText(broker.bootstrap(), new TopicPartition(topic, 0)));
    }

    private static String topic(String name) {
        Clients.createTopic(broker.bootstrap(), name, 1, Map.of());
        return name;
    }

    private static Properties config() {
        Properties config = new Properties();
        config.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        config.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        return config;
    }
}
