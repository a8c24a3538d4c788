package io.millrace.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicJournalTest {

    /** Large enough that no test compacts unless it means to. */
    private static final long NO_COMPACTION = Long.MAX_VALUE;

    @TempDir
    Path root;

    private Path dir;

    @BeforeEach
    void metadataDirectory() {
        dir = root.resolve(".millrace");
    }

    private static TopicMetadata topic(String name, int partitions) {
        return new TopicMetadata(name, Uuid.randomUuid(), partitions, Map.of());
    }

    private static List<TopicChange> creates(TopicMetadata... topics) {
        List<TopicChange> changes = new ArrayList<>();
        for (TopicMetadata t : topics) {
            changes.add(new TopicChange.Create(t));
        }
        return changes;
    }

    private TopicJournal reopen(long compactionBytes) throws IOException {
        return TopicJournal.open(dir, compactionBytes);
    }

    private Path journalFile() {
        return dir.resolve(TopicJournal.JOURNAL_FILE);
    }

    private Path snapshotFile() {
        return dir.resolve(TopicJournal.SNAPSHOT_FILE);
    }

    /** Appends {@code first}, then another topic, and returns the journal's size between the two. */
    private long appendThenOneMore(TopicMetadata first) throws IOException {
        TopicJournal journal = reopen(NO_COMPACTION);
        journal.append(creates(first));
        long size = Files.size(journalFile());
        journal.append(creates(topic("last", 1)));
        return size;
    }

    /** The number of whole, intact records in the journal file. */
    static int journalRecords(Path metadataDir) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(metadataDir.resolve(TopicJournal.JOURNAL_FILE)));
        file.position(TopicRecords.HEADER_SIZE);
        int records = 0;
        while (TopicRecords.nextPayload(file) != null) {
            records++;
        }
        return records;
    }

    @Test
    void createsAltersAndDeletesSurviveAReopen() throws IOException {
        TopicMetadata orders = topic("orders", 3);
        TopicMetadata payments = new TopicMetadata("payments", Uuid.randomUuid(), 1, Map.of("retention.ms", "60000"));
        TopicMetadata gone = topic("gone", 1);
        TopicJournal journal = reopen(NO_COMPACTION);
        journal.append(creates(orders, payments, gone));
        journal.append(List.of(new TopicChange.Alter(orders.withPartitionCount(5))));
        journal.append(List.of(new TopicChange.Alter(payments.withConfigs(Map.of("cleanup.policy", "compact")))));
        journal.append(List.of(new TopicChange.Delete(gone.topicId())));

        TopicJournal reopened = reopen(NO_COMPACTION);

        assertThat(reopened.topics())
                .containsExactlyInAnyOrder(
                        orders.withPartitionCount(5), payments.withConfigs(Map.of("cleanup.policy", "compact")));
        assertThat(reopened.topics()).containsExactlyInAnyOrderElementsOf(journal.topics());
    }

    @Test
    void aBatchIsOneRecord() throws IOException {
        TopicJournal journal = reopen(NO_COMPACTION);
        List<TopicChange> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(new TopicChange.Create(topic("t-" + i, 1)));
        }

        journal.append(batch);

        assertThat(journalRecords(dir)).isEqualTo(1);
        assertThat(reopen(NO_COMPACTION).topics()).hasSize(1000);
    }

    @Test
    void namesAndConfigsKeepEveryCharacter() throws IOException {
        TopicMetadata odd = new TopicMetadata(
                "stream-ü:tópico_1.x", Uuid.randomUuid(), 2, Map.of("message.format", "ünïcode = value\nline"));
        reopen(NO_COMPACTION).append(creates(odd));

        assertThat(reopen(NO_COMPACTION).topics()).containsExactly(odd);
    }

    @Test
    void aTornTailIsCutOffAndAppendsContinueAfterTheLastWholeRecord() throws IOException {
        TopicMetadata kept = topic("kept", 1);
        long committed = appendThenOneMore(kept);
        try (FileChannel channel = FileChannel.open(journalFile(), StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(journalFile()) - 3);
        }

        TopicJournal reopened = reopen(NO_COMPACTION);

        assertThat(reopened.topics()).containsExactly(kept);
        assertThat(Files.size(journalFile())).isEqualTo(committed);
        TopicMetadata later = topic("later", 1);
        reopened.append(creates(later));
        assertThat(reopen(NO_COMPACTION).topics()).containsExactlyInAnyOrder(kept, later);
    }

    @Test
    void zerosAfterTheLastRecordAreCutOff() throws IOException {
        TopicMetadata kept = topic("kept", 1);
        reopen(NO_COMPACTION).append(creates(kept));
        long committed = Files.size(journalFile());
        Files.write(journalFile(), new byte[4096], StandardOpenOption.APPEND);

        assertThat(reopen(NO_COMPACTION).topics()).containsExactly(kept);
        assertThat(Files.size(journalFile())).isEqualTo(committed);
    }

    @Test
    void aRecordFailingItsCrcEndsTheJournal() throws IOException {
        TopicMetadata kept = topic("kept", 1);
        long committed = appendThenOneMore(kept);
        byte[] bytes = Files.readAllBytes(journalFile());
        bytes[bytes.length - 2] ^= 0x20;
        Files.write(journalFile(), bytes);

        assertThat(reopen(NO_COMPACTION).topics()).containsExactly(kept);
        assertThat(Files.size(journalFile())).isEqualTo(committed);
    }

    @Test
    void aDamagedHeaderRefusesToLoad() throws IOException {
        reopen(NO_COMPACTION).append(creates(topic("orders", 1)));
        byte[] bytes = Files.readAllBytes(journalFile());
        bytes[8] ^= 0x01;
        Files.write(journalFile(), bytes);

        assertThatThrownBy(() -> reopen(NO_COMPACTION))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(TopicJournal.JOURNAL_FILE)
                .hasMessageContaining("CRC");
    }

    @Test
    void compactionWritesASnapshotAndStartsTheJournalOver() throws IOException {
        TopicJournal journal = reopen(1);
        TopicMetadata orders = topic("orders", 1);
        TopicMetadata gone = topic("gone", 1);

        journal.append(creates(orders, gone));
        assertThat(snapshotFile()).exists();
        assertThat(journalRecords(dir)).isZero();

        // Smaller than the snapshot: stays in the journal, replayed over the snapshot.
        journal.append(List.of(new TopicChange.Delete(gone.topicId())));
        assertThat(journalRecords(dir)).isEqualTo(1);
        assertThat(reopen(NO_COMPACTION).topics()).containsExactly(orders);
    }

    @Test
    void theJournalStaysWithinTheLargerOfTheFloorAndTheSnapshot() throws IOException {
        long floor = 200;
        TopicJournal journal = reopen(floor);
        List<TopicMetadata> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TopicMetadata t = topic("topic-" + i, 1);
            all.add(t);
            journal.append(creates(t));
            long journalBytes = Files.size(journalFile());
            long snapshotBytes = Files.exists(snapshotFile()) ? Files.size(snapshotFile()) : 0;
            assertThat(journalBytes).isLessThanOrEqualTo(Math.max(floor, snapshotBytes));
        }

        assertThat(snapshotFile()).exists();
        assertThat(reopen(floor).topics()).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void everyCrashPointOfACompactionLoadsTheSameTopics() throws IOException {
        TopicJournal journal = reopen(NO_COMPACTION);
        TopicMetadata first = topic("first", 1);
        journal.append(creates(first));
        Path before = copy("before");
        TopicJournal compacting = reopen(1);
        TopicMetadata second = topic("second", 2);
        compacting.append(creates(second));
        Path after = copy("after");
        assertThat(Files.size(after.resolve(TopicJournal.JOURNAL_FILE))).isEqualTo(TopicRecords.HEADER_SIZE);
        List<TopicMetadata> expected = List.of(first, second);

        // Crash while writing the snapshot: the old journal (holding the append) and a partial temporary file.
        restore(before);
        reopen(NO_COMPACTION).append(creates(second));
        Files.write(dir.resolve(TopicJournal.SNAPSHOT_FILE + ".tmp"), new byte[] {1, 2, 3});
        assertThat(reopen(NO_COMPACTION).topics()).containsExactlyInAnyOrderElementsOf(expected);

        // Crash after the snapshot's rename, before the journal was started over.
        restore(before);
        reopen(NO_COMPACTION).append(creates(second));
        Files.copy(after.resolve(TopicJournal.SNAPSHOT_FILE), snapshotFile(), StandardCopyOption.REPLACE_EXISTING);
        TopicJournal superseded = reopen(NO_COMPACTION);
        assertThat(superseded.topics()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.size(journalFile())).isEqualTo(TopicRecords.HEADER_SIZE);

        // ... and changes made after that restart are kept.
        TopicMetadata third = topic("third", 1);
        superseded.append(creates(third));
        assertThat(reopen(NO_COMPACTION).topics()).containsExactlyInAnyOrder(first, second, third);

        // Crash after both steps.
        restore(after);
        assertThat(reopen(NO_COMPACTION).topics()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aJournalAheadOfItsSnapshotRefusesToLoad() throws IOException {
        reopen(1).append(creates(topic("orders", 1)));
        Files.delete(snapshotFile());

        assertThatThrownBy(() -> reopen(NO_COMPACTION))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("generation");
    }

    @Test
    void aFailedAppendIsNotAppliedAndTheNextCommitStartsFromACompaction() throws IOException {
        TopicJournal journal = reopen(NO_COMPACTION);
        TopicMetadata kept = topic("kept", 1);
        journal.append(creates(kept));
        Files.delete(journalFile());

        assertThatThrownBy(() -> journal.append(creates(topic("lost", 1)))).isInstanceOf(IOException.class);
        assertThat(journal.topics()).containsExactly(kept);

        TopicMetadata next = topic("next", 1);
        journal.append(creates(next));
        assertThat(snapshotFile()).exists();
        assertThat(reopen(NO_COMPACTION).topics()).containsExactlyInAnyOrder(kept, next);
    }

    private Path copy(String name) throws IOException {
        Path target = root.resolve(name);
        Files.createDirectories(target);
        for (String file : List.of(TopicJournal.SNAPSHOT_FILE, TopicJournal.JOURNAL_FILE)) {
            if (Files.exists(dir.resolve(file))) {
                Files.copy(dir.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    private void restore(Path copy) throws IOException {
        for (String file : List.of(TopicJournal.SNAPSHOT_FILE, TopicJournal.JOURNAL_FILE)) {
            Files.deleteIfExists(dir.resolve(file));
            if (Files.exists(copy.resolve(file))) {
                Files.copy(copy.resolve(file), dir.resolve(file));
            }
        }
    }
}
