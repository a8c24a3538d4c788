package io.millrace.broker.replication;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable cluster metadata of a single node: its identity and its topics.
 *
 * <p>Files, under {@code <first log dir>/.millrace/}:
 * <ul>
 *   <li>{@code cluster.properties}: {@code cluster.id}, {@code node.id}, {@code version=1}, written
 *       atomically ({@link AtomicFiles});</li>
 *   <li>{@code topics.snapshot} and {@code topics.journal}: every topic's name, id, partition count
 *       and configuration overrides, see {@link TopicJournal}. A commit of any number of topic
 *       changes is one append and one fsync, and is the commit point of the changes;</li>
 *   <li>{@code producer-ids}: see {@code ProducerIdManager};</li>
 *   <li>{@code broker-configs.properties}: the dynamic broker configuration, see
 *       {@code DynamicBrokerConfig}.</li>
 * </ul>
 * Directories of older versions hold one {@code topics/<topic id>.properties} per topic instead;
 * they are moved into the journal when the topics are first loaded ({@link LegacyTopicFiles}).
 * Not thread-safe: the topic manager serialises writes.
 */
public final class MetadataStore {

    private static final Logger log = LoggerFactory.getLogger(MetadataStore.class);

    private final Path dir;
    private final long compactionBytes;
    private TopicJournal journal;

    public MetadataStore(Path dir) {
        this(dir, TopicJournal.DEFAULT_COMPACTION_BYTES);
    }

    /** @param compactionBytes the journal size above which it may be compacted into the snapshot */
    MetadataStore(Path dir, long compactionBytes) {
        this.dir = dir;
        this.compactionBytes = compactionBytes;
    }

    /** The metadata directory inside the first log dir that already has one, else the first. */
    public static MetadataStore locate(List<Path> logDirs) {
        for (Path logDir : logDirs) {
            if (Files.isDirectory(logDir.resolve(".millrace"))) {
                return new MetadataStore(logDir.resolve(".millrace"));
            }
        }
        return new MetadataStore(logDirs.get(0).resolve(".millrace"));
    }

    public Path dir() {
        return dir;
    }

    public Path producerIdFile() {
        return dir.resolve("producer-ids");
    }

    public Path dynamicBrokerConfigFile() {
        return dir.resolve("broker-configs.properties");
    }

    /**
     * Loads the cluster id, creating it on first start.
     *
     * @throws IOException also when the directory belongs to another node id
     */
    public String loadOrCreateClusterId(int nodeId) throws IOException {
        Path file = dir.resolve("cluster.properties");
        if (Files.exists(file)) {
            Properties props = readProperties(file);
            String stored = props.getProperty("node.id");
            if (stored != null && Integer.parseInt(stored.trim()) != nodeId) {
                throw new IOException("Data directory " + dir.getParent() + " belongs to node " + stored
                        + " but this broker is configured with node.id=" + nodeId
                        + "; fix node.id or point log.dirs at this node's own data");
            }
            String clusterId = props.getProperty("cluster.id");
            if (clusterId == null || clusterId.isBlank()) {
                throw new IOException(file + " has no cluster.id; the file is damaged");
            }
            return clusterId.trim();
        }
        String clusterId = Uuid.randomUuid().toString();
        Properties props = new Properties();
        props.setProperty("version", "1");
        props.setProperty("cluster.id", clusterId);
        props.setProperty("node.id", Integer.toString(nodeId));
        StringWriter out = new StringWriter();
        props.store(out, null);
        AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
        log.info("Initialised a new cluster {} for node {} in {}", clusterId, nodeId, dir);
        return clusterId;
    }

    /** Every topic, in no particular order (migrating the files of older versions first). */
    public List<TopicMetadata> loadTopics() throws IOException {
        return new ArrayList<>(journal().topics());
    }

    /** Makes the changes durable, all or none, with one fsync; they are committed when this returns. */
    void commit(List<? extends TopicChange> changes) throws IOException {
        journal().append(changes);
    }

    private TopicJournal journal() throws IOException {
        if (journal == null) {
            TopicJournal opened = TopicJournal.open(dir, compactionBytes);
            LegacyTopicFiles.migrate(dir, opened);
            journal = opened;
        }
        return journal;
    }

    static Properties readProperties(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        return props;
    }
}
