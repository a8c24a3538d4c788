package io.millrace.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.log.FileChannelFactory;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.LogManagerConfig;
import io.millrace.broker.stream.TopicName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicManagerTest {

    @TempDir
    Path root;

    private BrokerConfig config;
    private LogManager logs;
    private TopicManager topics;

    @BeforeEach
    void start() throws IOException {
        config = BrokerConfig.parse(
                Map.of(BrokerConfig.LOG_DIRS, root.resolve("data").toString(), BrokerConfig.NUM_PARTITIONS, "2"));
        topics = startTopicManager();
    }

    @AfterEach
    void stop() {
        logs.close();
    }

    private TopicManager startTopicManager() throws IOException {
        logs = new LogManager(LogManagerConfig.from(config), new ManualClock(), FileChannelFactory.DEFAULT);
        TopicManager manager = new TopicManager(config, new MetadataStore(metadataDir()), logs);
        manager.startup();
        return manager;
    }

    private Path metadataDir() {
        return root.resolve("data").resolve(".millrace");
    }

    private TopicManager restart() throws IOException {
        logs.close();
        return startTopicManager();
    }

    private static NewTopic newTopic(String name, int partitions) {
        return new NewTopic(name, partitions, (short) -1, Map.of());
    }

    @Test
    void aBatchCreatesItsValidTopicsWithOneCommitAndRefusesTheOthersOneByOne() throws IOException {
        topics.create("existing", 1, (short) -1, Map.of(), false);
        int recordsBefore = TopicJournalTest.journalRecords(metadataDir());

        List<TopicCreation> outcomes = topics.create(
                List.of(
                        newTopic("orders", 3),
                        newTopic("existing", 1),
                        newTopic("bad/name", 1),
                        newTopic("payments", -1),
                        newTopic("no-partitions", 0),
                        new NewTopic("replicated", 1, (short) 3, Map.of()),
                        new NewTopic("bad-config", 1, (short) -1, Map.of("retention.ms", "soon")),
                        newTopic("a.b", 1),
                        newTopic("a_b", 1),
                        new NewTopic("compacted", 1, (short) 1, Map.of("cleanup.policy", "compact"))),
                false);

        assertThat(outcomes)
                .<Class<?>>extracting(o -> o.error() == null ? null : o.error().getClass())
                .containsExactly(
                        null,
                        TopicExistsException.class,
                        InvalidTopicException.class,
                        null,
                        InvalidPartitionsException.class,
                        InvalidReplicationFactorException.class,
                        InvalidConfigurationException.class,
                        null,
                        InvalidTopicException.class,
                        null);
        assertThat(outcomes.get(8).error()).hasMessageContaining("collides with existing topic 'a.b'");
        assertThat(outcomes.get(0).topic().partitions()).hasSize(3);
        assertThat(outcomes.get(3).topic().metadata().partitionCount()).isEqualTo(2);
        assertThat(TopicJournalTest.journalRecords(metadataDir())).isEqualTo(recordsBefore + 1);
        assertThat(topics.topics())
                .extracting(TopicState::name)
                .containsExactly("a.b", "compacted", "existing", "orders", "payments");
        assertThat(topics.partition("orders", 2)).isNotNull();
    }

    @Test
    void aTopicWhoseLogsCannotBeCreatedIsRefusedAloneAndItsLogsRemoved() throws IOException {
        // Valid, but partition 10's directory name would be 256 bytes long.
        String unstorable = ".a:" + "t".repeat(TopicName.MAX_LENGTH - 3);

        List<TopicCreation> outcomes = topics.create(List.of(newTopic("orders", 1), newTopic(unstorable, 11)), false);

        assertThat(outcomes.get(0).error()).isNull();
        assertThat(outcomes.get(1).error())
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("directory name");
        assertThat(logs.log(unstorable, 0)).isEmpty();
        assertThat(restart().topics()).extracting(TopicState::name).containsExactly("orders");
    }

    @Test
    void aFailedCommitRefusesTheWholeBatchAndARetrySucceeds() throws IOException {
        Files.delete(metadataDir().resolve(TopicJournal.JOURNAL_FILE));

        List<TopicCreation> failed = topics.create(List.of(newTopic("orders", 2), newTopic("payments", 1)), false);

        assertThat(failed).allSatisfy(o -> assertThat(o.error()).isInstanceOf(KafkaStorageException.class));
        assertThat(topics.topics()).isEmpty();
        assertThat(logs.log("orders", 0)).isEmpty();

        List<TopicCreation> retried = topics.create(List.of(newTopic("orders", 2), newTopic("payments", 1)), false);

        assertThat(retried).allSatisfy(o -> assertThat(o.error()).isNull());
        assertThat(restart().topics()).extracting(TopicState::name).containsExactly("orders", "payments");
    }

    @Test
    void createdTopicsAreThereAfterARestartWithTheirIdsAndConfigs() throws IOException {
        List<TopicCreation> outcomes = topics.create(
                List.of(
                        newTopic("orders", 3),
                        new NewTopic("compacted", 1, (short) 1, Map.of("cleanup.policy", "compact"))),
                false);

        TopicManager restarted = restart();

        for (TopicCreation outcome : outcomes) {
            TopicState before = outcome.topic();
            TopicState after = restarted.topic(before.name()).orElseThrow();
            assertThat(after.metadata()).isEqualTo(before.metadata());
            assertThat(after.partitions()).hasSize(before.partitions().size());
            assertThat(restarted.topic(before.metadata().topicId())).contains(after);
        }
    }

    @Test
    void validatingOnlyCreatesNothing() throws IOException {
        List<TopicCreation> outcomes = topics.create(List.of(newTopic("orders", 3), newTopic("bad/name", 1)), true);

        assertThat(outcomes.get(0).error()).isNull();
        assertThat(outcomes.get(0).topic().metadata().partitionCount()).isEqualTo(3);
        assertThat(outcomes.get(0).topic().partitions()).isEmpty();
        assertThat(outcomes.get(1).error()).isInstanceOf(InvalidTopicException.class);
        assertThat(topics.topic("orders")).isEmpty();
        assertThat(restart().topic("orders")).isEmpty();
    }

    @Test
    void listenersHearOfEveryCreatedTopic() {
        List<String> created = new ArrayList<>();
        topics.addListener(new TopicChangeListener() {
            @Override
            public void topicCreated(TopicMetadata topic) {
                created.add(topic.name());
            }
        });

        topics.create(List.of(newTopic("b", 1), newTopic("bad/name", 1), newTopic("a", 1)), false);

        assertThat(created).containsExactly("b", "a");
    }

    @Test
    void aDeletedTopicFreesItsNameAndItsCollisionKey() throws IOException {
        topics.create("a.b", 1, (short) -1, Map.of(), false);
        topics.delete("a.b");

        List<TopicCreation> outcomes = topics.create(List.of(newTopic("a_b", 1)), false);

        assertThat(outcomes.get(0).error()).isNull();
        assertThat(restart().topics()).extracting(TopicState::name).containsExactly("a_b");
    }

    @Test
    void grownAndReconfiguredTopicsAreThereAfterARestart() throws IOException {
        topics.create("orders", 1, (short) -1, Map.of(), false);
        topics.addPartitions("orders", 4, false);
        topics.alterConfigs("orders", Map.of("retention.ms", "1000"), false);

        TopicState restarted = restart().topic("orders").orElseThrow();

        assertThat(restarted.partitions()).hasSize(4);
        assertThat(restarted.metadata().configs()).containsExactly(Map.entry("retention.ms", "1000"));
    }

    @Test
    void topicsFromListsInNameOrderFromTheGivenName() {
        topics.create(List.of(newTopic("c", 1), newTopic("a", 1), newTopic("d", 1)), false);

        assertThat(topics.topicsFrom("b")).extracting(TopicState::name).containsExactly("c", "d");
        assertThat(topics.topicsFrom("c")).extracting(TopicState::name).containsExactly("c", "d");
        assertThat(topics.topicsFrom("")).extracting(TopicState::name).containsExactly("a", "c", "d");
    }

    @Test
    void newBrokerDefaultsReachEveryPartitionWithoutAnOverrideOfItsOwn() throws IOException {
        topics.create("plain", 2, (short) -1, Map.of(), false);
        topics.create("own", 1, (short) -1, Map.of("segment.bytes", "4096"), false);
        BrokerConfig next =
                withSettings(Map.of(BrokerConfig.LOG_SEGMENT_BYTES, "8192", BrokerConfig.LOG_RETENTION_MS, "60000"));

        topics.validateReconfiguration(next);
        topics.reconfigure(config, next);

        assertThat(topics.existingTopic("plain").partitions())
                .allSatisfy(p -> assertThat(p.config().segmentBytes()).isEqualTo(8192));
        assertThat(topics.existingTopic("own").partitions()).allSatisfy(p -> {
            assertThat(p.config().segmentBytes()).isEqualTo(4096);
            assertThat(p.config().retentionMs()).isEqualTo(60000);
        });
        assertThat(topics.create("later", 1, (short) -1, Map.of(), false).partitions())
                .allSatisfy(p -> assertThat(p.config().segmentBytes()).isEqualTo(8192));
        assertThat(topics.topicDefaults()).containsEntry("segment.bytes", 8192);
    }

    @Test
    void newBrokerDefaultsThatContradictATopicsOverrideAreRefusedNamingTheTopic() throws IOException {
        topics.create("lagging", 1, (short) -1, Map.of("min.compaction.lag.ms", "10000"), false);
        BrokerConfig next = withSettings(Map.of(BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS, "5000"));

        assertThatThrownBy(() -> topics.validateReconfiguration(next))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topic 'lagging'")
                .hasMessageContaining("min.compaction.lag.ms");
    }

    private BrokerConfig withSettings(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(config.explicitValues());
        all.putAll(settings);
        return BrokerConfig.parse(all);
    }
}
