package io.millrace.broker.replication;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable set of topics: a snapshot of every topic plus an append-only journal of the changes
 * made since, so that a batch of changes (a CreateTopics request of a thousand topics) costs one
 * write and one fsync, and startup reads two files whatever the number of topics.
 *
 * <p>Files, in the metadata directory ({@code .millrace/}):
 * <ul>
 *   <li>{@value #SNAPSHOT_FILE}: a header, then one record holding a create entry per topic. Written
 *       whole with {@link AtomicFiles} (temporary file, fsync, rename, fsync of the directory), so
 *       it is always complete. Absent until the first compaction: generation 0, no topics.</li>
 *   <li>{@value #JOURNAL_FILE}: a header naming the snapshot generation it continues, then one
 *       record per commit, appended and fsynced ({@code fdatasync}) before the commit returns. The
 *       header alone is written with {@link AtomicFiles} whenever the journal is started over.</li>
 * </ul>
 * All integers big-endian:
 * <pre>
 * header (18 bytes)
 *   int32  magic: 0x4D54534E "MTSN" (snapshot) or 0x4D544A4C "MTJL" (journal)
 *   int16  version (1)
 *   int64  generation: of the snapshot, or of the snapshot the journal continues
 *   int32  CRC-32C of the 14 bytes above
 * record
 *   int32  payload length (at least 4)
 *   int32  CRC-32C of the payload
 *   payload: int32 entry count, then the entries
 * entry
 *   int8   type: 1 create, 2 alter (partition count or configs changed), 3 delete
 *   create, alter: int64 id high bits, int64 id low bits, string name, int32 partition count,
 *                  int32 config count, then per config override: string key, string value
 *   delete: int64 id high bits, int64 id low bits
 * string: int32 byte length, then UTF-8 bytes
 * </pre>
 *
 * <p>Loading replays the journal over the snapshot. A commit is one record, so a crash keeps or
 * loses it whole: a record that is short, has an impossible length or fails its CRC ends the journal,
 * and it and everything after it are cut off (logged). Since a commit is fsynced before the next one
 * is appended, only the last record can be torn, and it was never acknowledged. A journal whose
 * generation is older than the snapshot's was already folded into it and is started over.
 *
 * <p>Compaction, when the journal outgrows both the snapshot and a floor: the snapshot of generation
 * g + 1 is written (the commit point), then the journal is started over with generation g + 1. A
 * crash before the snapshot's rename leaves the old pair; after it, the new snapshot and the
 * superseded journal, which loading then ignores. The journal grows to at most about the
 * snapshot's size, so each change is written a bounded number of times. A failed append may have
 * left bytes behind, and a failed compaction a superseded journal: either way the next commit
 * compacts first, so it never lands behind bytes that were not acknowledged.
 *
 * <p>Not thread-safe: its owner serialises calls.
 */
final class TopicJournal {

    static final String SNAPSHOT_FILE = "topics.snapshot";
    static final String JOURNAL_FILE = "topics.journal";
    /** The journal is compacted once it is larger than this and larger than the snapshot. */
    static final long DEFAULT_COMPACTION_BYTES = 1 << 20;

    private static final Logger log = LoggerFactory.getLogger(TopicJournal.class);
    private static final int SNAPSHOT_MAGIC = 0x4D54534E;
    private static final int JOURNAL_MAGIC = 0x4D544A4C;

    private final Path snapshotFile;
    private final Path journalFile;
    private final long compactionBytes;
    private final Map<Uuid, TopicMetadata> topics;
    private long generation;
    private long snapshotBytes;
    private long journalBytes;
    private boolean compactBeforeAppend;

    private TopicJournal(Path dir, long compactionBytes, Map<Uuid, TopicMetadata> topics, long generation) {
        this.snapshotFile = dir.resolve(SNAPSHOT_FILE);
        this.journalFile = dir.resolve(JOURNAL_FILE);
        this.compactionBytes = compactionBytes;
        this.topics = topics;
        this.generation = generation;
    }

    /**
     * Loads the topics in {@code dir}, cutting off a torn journal tail and starting over a
     * superseded journal.
     *
     * @throws IOException when a file cannot be read or written, or is damaged beyond a torn tail
     */
    static TopicJournal open(Path dir, long compactionBytes) throws IOException {
        Files.createDirectories(dir);
        Path snapshotFile = dir.resolve(SNAPSHOT_FILE);
        Map<Uuid, TopicMetadata> topics = new HashMap<>();
        long generation = 0;
        long snapshotBytes = 0;
        if (Files.exists(snapshotFile)) {
            ByteBuffer snapshot = ByteBuffer.wrap(Files.readAllBytes(snapshotFile));
            snapshotBytes = snapshot.capacity();
            generation = generation(snapshotFile, snapshot, SNAPSHOT_MAGIC);
            ByteBuffer payload = TopicRecords.nextPayload(snapshot);
            if (payload == null || snapshot.hasRemaining()) {
                throw damaged(snapshotFile, "its record is incomplete or fails its CRC");
            }
            replay(snapshotFile, payload, topics);
        }
        TopicJournal journal = new TopicJournal(dir, compactionBytes, topics, generation);
        journal.snapshotBytes = snapshotBytes;
        journal.loadJournal();
        return journal;
    }

    /** The topics, as of the last commit. */
    Collection<TopicMetadata> topics() {
        return Collections.unmodifiableCollection(topics.values());
    }

    /**
     * Makes {@code changes} durable with one write and one fsync (plus a compaction when one is
     * due), and applies them.
     *
     * @throws IOException when they could not be made durable; they are then not applied
     */
    void append(List<? extends TopicChange> changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        if (compactBeforeAppend) {
            compact();
        }
        ByteBuffer record = ByteBuffer.wrap(TopicRecords.record(changes));
        try (FileChannel channel = FileChannel.open(journalFile, StandardOpenOption.WRITE)) {
            long position = journalBytes;
            while (record.hasRemaining()) {
                position += channel.write(record, position);
            }
            channel.force(false);
        } catch (IOException e) {
            compactBeforeAppend = true;
            throw e;
        }
        journalBytes += record.capacity();
        for (TopicChange change : changes) {
            apply(change, topics);
        }
        if (journalBytes > Math.max(compactionBytes, snapshotBytes)) {
            try {
                compact();
            } catch (IOException e) {
                compactBeforeAppend = true;
                log.warn(
                        "Could not compact the topic journal {} ({}); the next topic change tries again",
                        journalFile,
                        e.toString());
            }
        }
    }

    /**
     * Adds the topics whose id and name are not known yet and makes them durable in a new snapshot
     * (for migrating from another format: the caller may remove the old files once this returns).
     *
     * @return how many were added
     */
    int importTopics(Collection<TopicMetadata> candidates) throws IOException {
        Set<String> names = new HashSet<>();
        topics.values().forEach(t -> names.add(t.name()));
        int added = 0;
        for (TopicMetadata t : candidates) {
            if (topics.containsKey(t.topicId())) {
                continue;
            }
            if (!names.add(t.name())) {
                log.warn("Not importing topic '{}' (id {}): a topic of that name exists", t.name(), t.topicId());
                continue;
            }
            topics.put(t.topicId(), t);
            added++;
        }
        if (added > 0) {
            compact();
        }
        return added;
    }

    /** Writes every topic into a snapshot of the next generation, then starts the journal over. */
    private void compact() throws IOException {
        List<TopicChange> creates = new ArrayList<>(topics.size());
        topics.values().forEach(t -> creates.add(new TopicChange.Create(t)));
        byte[] record = TopicRecords.record(creates);
        byte[] snapshot = new byte[TopicRecords.HEADER_SIZE + record.length];
        System.arraycopy(TopicRecords.header(SNAPSHOT_MAGIC, generation + 1), 0, snapshot, 0, TopicRecords.HEADER_SIZE);
        System.arraycopy(record, 0, snapshot, TopicRecords.HEADER_SIZE, record.length);
        AtomicFiles.write(snapshotFile, snapshot);
        generation++;
        snapshotBytes = snapshot.length;
        // From here the journal is superseded until it is started over.
        compactBeforeAppend = true;
        startJournal();
        compactBeforeAppend = false;
        log.info(
                "Compacted the topic journal: {} topics in {} ({} bytes)",
                topics.size(),
                snapshotFile,
                snapshot.length);
    }

    private void loadJournal() throws IOException {
        if (!Files.exists(journalFile)) {
            startJournal();
            return;
        }
        ByteBuffer journal = ByteBuffer.wrap(Files.readAllBytes(journalFile));
        long journalGeneration = generation(journalFile, journal, JOURNAL_MAGIC);
        if (journalGeneration < generation) {
            log.info(
                    "The topic journal {} (generation {}) is already part of snapshot generation {}; starting it over",
                    journalFile,
                    journalGeneration,
                    generation);
            startJournal();
            return;
        }
        if (journalGeneration > generation) {
            throw damaged(
                    journalFile,
                    "it continues snapshot generation " + journalGeneration + " but " + snapshotFile
                            + " holds generation " + generation + " (was the snapshot removed or replaced?)");
        }
        for (ByteBuffer payload = TopicRecords.nextPayload(journal);
                payload != null;
                payload = TopicRecords.nextPayload(journal)) {
            replay(journalFile, payload, topics);
        }
        journalBytes = journal.position();
        if (journal.hasRemaining()) {
            log.warn(
                    "The topic journal {} ends with {} bytes that are not a whole, intact record (a change cut off "
                            + "by a crash before it was acknowledged); cutting them off at byte {}",
                    journalFile,
                    journal.remaining(),
                    journalBytes);
            try (FileChannel channel = FileChannel.open(journalFile, StandardOpenOption.WRITE)) {
                channel.truncate(journalBytes);
                channel.force(true);
            }
        }
    }

    private void startJournal() throws IOException {
        AtomicFiles.write(journalFile, TopicRecords.header(JOURNAL_MAGIC, generation));
        journalBytes = TopicRecords.HEADER_SIZE;
    }

    private static long generation(Path file, ByteBuffer content, int magic) throws IOException {
        try {
            return TopicRecords.generation(content, magic);
        } catch (IllegalArgumentException e) {
            throw damaged(file, e.getMessage());
        }
    }

    private static void replay(Path file, ByteBuffer payload, Map<Uuid, TopicMetadata> topics) throws IOException {
        List<TopicChange> changes;
        try {
            changes = TopicRecords.changes(payload);
        } catch (IllegalArgumentException e) {
            throw damaged(file, "a record passes its CRC but cannot be read: " + e.getMessage());
        }
        for (TopicChange change : changes) {
            apply(change, topics);
        }
    }

    private static void apply(TopicChange change, Map<Uuid, TopicMetadata> topics) {
        if (change instanceof TopicChange.Create c) {
            topics.put(c.topic().topicId(), c.topic());
        } else if (change instanceof TopicChange.Alter a) {
            topics.put(a.topic().topicId(), a.topic());
        } else {
            topics.remove(((TopicChange.Delete) change).topicId());
        }
    }

    private static IOException damaged(Path file, String why) {
        return new IOException("The topic metadata file " + file + " is damaged: " + why
                + ". Restore the data directory from a backup");
    }
}
