package io.millrace.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topics of a metadata directory, and the migration of the one-file-per-topic format of older versions. */
class MetadataStoreTest {

    @TempDir
    Path root;

    private Path dir;

    private final TopicMetadata orders = new TopicMetadata("orders", Uuid.randomUuid(), 3, Map.of());
    private final TopicMetadata payments = new TopicMetadata(
            "payments", Uuid.randomUuid(), 1, Map.of("retention.ms", "60000", "segment.bytes", "1024"));
    private final TopicMetadata offsets =
            new TopicMetadata("__consumer_offsets", Uuid.randomUuid(), 50, Map.of("cleanup.policy", "compact"));

    @BeforeEach
    void metadataDirectory() {
        dir = root.resolve(".millrace");
    }

    /** Writes a topic file as versions before the journal did. */
    private static void writeLegacy(Path topicsDir, TopicMetadata topic) throws IOException {
        Properties props = new Properties();
        props.setProperty("name", topic.name());
        props.setProperty("topic.id", topic.topicId().toString());
        props.setProperty("partitions", Integer.toString(topic.partitionCount()));
        topic.configs().forEach((k, v) -> props.setProperty("config." + k, v));
        StringWriter out = new StringWriter();
        props.store(out, null);
        Files.createDirectories(topicsDir);
        Files.writeString(topicsDir.resolve(topic.topicId() + ".properties"), out.toString(), StandardCharsets.UTF_8);
    }

    private Path legacyDir() {
        return dir.resolve(LegacyTopicFiles.TOPICS_DIR);
    }

    private Path migratedDir() {
        return dir.resolve(LegacyTopicFiles.MIGRATED_DIR);
    }

    private void writeLegacyTopics(Path topicsDir) throws IOException {
        for (TopicMetadata t : List.of(orders, payments, offsets)) {
            writeLegacy(topicsDir, t);
        }
    }

    @Test
    void committedChangesAreLoadedByTheNextStore() throws IOException {
        MetadataStore store = new MetadataStore(dir);
        store.commit(List.of(new TopicChange.Create(orders), new TopicChange.Create(payments)));
        store.commit(List.of(new TopicChange.Delete(payments.topicId())));

        assertThat(new MetadataStore(dir).loadTopics()).containsExactly(orders);
    }

    @Test
    void topicFilesOfOlderVersionsAreMigratedIntoTheJournalAndRemoved() throws IOException {
        writeLegacyTopics(legacyDir());
        Files.writeString(legacyDir().resolve(Uuid.randomUuid() + ".properties.tmp"), "name=half-written");

        List<TopicMetadata> loaded = new MetadataStore(dir).loadTopics();

        assertThat(loaded).containsExactlyInAnyOrder(orders, payments, offsets);
        assertThat(legacyDir()).doesNotExist();
        assertThat(migratedDir()).doesNotExist();
        assertThat(dir.resolve(TopicJournal.SNAPSHOT_FILE)).exists();
        assertThat(new MetadataStore(dir).loadTopics()).containsExactlyInAnyOrder(orders, payments, offsets);
    }

    @Test
    void changesAfterAMigrationAreKept() throws IOException {
        writeLegacyTopics(legacyDir());
        MetadataStore store = new MetadataStore(dir);
        store.loadTopics();

        store.commit(List.of(new TopicChange.Delete(orders.topicId())));

        assertThat(new MetadataStore(dir).loadTopics()).containsExactlyInAnyOrder(payments, offsets);
    }

    @Test
    void aMigrationCutOffBeforeItsSnapshotIsRedone() throws IOException {
        writeLegacyTopics(legacyDir());
        Files.createDirectories(dir);
        Files.write(dir.resolve(TopicJournal.SNAPSHOT_FILE + ".tmp"), new byte[] {0x4D, 0x54});

        assertThat(new MetadataStore(dir).loadTopics()).containsExactlyInAnyOrder(orders, payments, offsets);
        assertThat(legacyDir()).doesNotExist();
    }

    @Test
    void aMigrationCutOffBeforeTheOldFilesWereRenamedImportsNothingTwice() throws IOException {
        writeLegacyTopics(legacyDir());
        new MetadataStore(dir).loadTopics();
        // The state a crash after the snapshot but before the rename of topics/ leaves.
        writeLegacyTopics(legacyDir());

        MetadataStore store = new MetadataStore(dir);
        assertThat(store.loadTopics()).containsExactlyInAnyOrder(orders, payments, offsets);
        assertThat(legacyDir()).doesNotExist();
        store.commit(List.of(new TopicChange.Delete(payments.topicId())));
        assertThat(new MetadataStore(dir).loadTopics()).containsExactlyInAnyOrder(orders, offsets);
    }

    @Test
    void aMigrationCutOffWhileDeletingTheRenamedFilesFinishesTheDeletion() throws IOException {
        writeLegacyTopics(legacyDir());
        MetadataStore store = new MetadataStore(dir);
        store.loadTopics();
        store.commit(List.of(new TopicChange.Delete(orders.topicId())));
        // The state a crash during the deletion of the renamed directory leaves.
        writeLegacy(migratedDir(), orders);

        assertThat(new MetadataStore(dir).loadTopics()).containsExactlyInAnyOrder(payments, offsets);
        assertThat(migratedDir()).doesNotExist();
    }

    @Test
    void aDamagedTopicFileOfAnOlderVersionStopsTheLoadAndIsKept() throws IOException {
        writeLegacy(legacyDir(), orders);
        Path damaged = legacyDir().resolve(Uuid.randomUuid() + ".properties");
        Files.writeString(damaged, "name=broken\npartitions=1\n");

        assertThatThrownBy(() -> new MetadataStore(dir).loadTopics())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(damaged.toString())
                .hasMessageContaining("topic.id");
        try (Stream<Path> files = Files.list(legacyDir())) {
            assertThat(files).hasSize(2);
        }
    }
}
