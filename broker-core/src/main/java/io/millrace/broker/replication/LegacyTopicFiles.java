package io.millrace.broker.replication;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic files of data directories written before the {@link TopicJournal}: one
 * {@code topics/<topic id>.properties} per topic ({@code name}, {@code topic.id},
 * {@code partitions} and one {@code config.<key>} line per override). {@link #migrate} moves them
 * into the journal at startup.
 *
 * <p>Crash-safe in this order: the topics are imported into a new, durable journal snapshot; then
 * {@code topics/} is renamed to {@value #MIGRATED_DIR} and the metadata directory fsynced (the
 * point after which the old files no longer count); then that directory is deleted. A crash before
 * the rename repeats the import, which skips the topics the journal already holds; a crash after it
 * leaves only the renamed directory, deleted at the next start. Nothing else changes the topics
 * until the migration is over, so a re-import cannot bring back a deleted topic. Stateless.
 */
final class LegacyTopicFiles {

    static final String TOPICS_DIR = "topics";
    static final String MIGRATED_DIR = "topics.migrated";

    private static final Logger log = LoggerFactory.getLogger(LegacyTopicFiles.class);
    private static final String CONFIG_PREFIX = "config.";

    private LegacyTopicFiles() {}

    /** Imports {@code topics/} of {@code metadataDir}, if present, into {@code journal} and removes it. */
    static void migrate(Path metadataDir, TopicJournal journal) throws IOException {
        Path legacy = metadataDir.resolve(TOPICS_DIR);
        Path migrated = metadataDir.resolve(MIGRATED_DIR);
        // A leftover of an earlier migration, whose topics are all in the journal.
        deleteMigrated(migrated);
        if (!Files.isDirectory(legacy)) {
            return;
        }
        List<TopicMetadata> topics = read(legacy);
        int imported = journal.importTopics(topics);
        Files.move(legacy, migrated, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(metadataDir);
        log.info(
                "Migrated {} topics from {} into the topic journal ({} were already there)",
                topics.size(),
                legacy,
                topics.size() - imported);
        deleteMigrated(migrated);
    }

    /** The topics of a legacy {@code topics/} directory. */
    static List<TopicMetadata> read(Path topicsDir) throws IOException {
        List<TopicMetadata> topics = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(topicsDir, "*.properties")) {
            for (Path file : files) {
                topics.add(parse(file, MetadataStore.readProperties(file)));
            }
        }
        return topics;
    }

    /** Deletes the renamed directory; a failure only costs another try at the next start. */
    private static void deleteMigrated(Path migrated) {
        if (!Files.isDirectory(migrated)) {
            return;
        }
        try (Stream<Path> files = Files.list(migrated)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
            Files.delete(migrated);
        } catch (IOException e) {
            log.warn("Could not delete {} ({}); its topics are migrated, it is deleted at the next start", migrated, e);
        }
    }

    private static TopicMetadata parse(Path file, Properties props) throws IOException {
        try {
            String name = required(props, "name", file);
            Uuid id = Uuid.fromString(required(props, "topic.id", file));
            int partitions = Integer.parseInt(required(props, "partitions", file));
            Map<String, String> configs = new LinkedHashMap<>();
            for (String key : props.stringPropertyNames()) {
                if (key.startsWith(CONFIG_PREFIX)) {
                    configs.put(key.substring(CONFIG_PREFIX.length()), props.getProperty(key));
                }
            }
            return new TopicMetadata(name, id, partitions, configs);
        } catch (IllegalArgumentException e) {
            throw new IOException("Topic metadata file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static String required(Properties props, String key, Path file) throws IOException {
        String v = props.getProperty(key);
        if (v == null) {
            throw new IOException("Topic metadata file " + file + " lacks '" + key + "'; the file is damaged");
        }
        return v.trim();
    }
}
