package io.millrace.broker.replication;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable cluster metadata of a single node: its identity and its topics.
 *
 * <p>Files, under {@code <first log dir>/.millrace/}:
 * <ul>
 *   <li>{@code cluster.properties}: {@code cluster.id}, {@code node.id}, {@code version=1};</li>
 *   <li>{@code topics/<topic id>.properties}: {@code name}, {@code topic.id}, {@code partitions}
 *       and one {@code config.<key>} line per override;</li>
 *   <li>{@code producer-ids}: see {@code ProducerIdManager}.</li>
 * </ul>
 * Every write is atomic ({@link AtomicFiles}); a topic's file is the commit point of its
 * creation and deletion. Not thread-safe: the topic manager serialises writes.
 */
public final class MetadataStore {

    private static final Logger log = LoggerFactory.getLogger(MetadataStore.class);
    private static final String CONFIG_PREFIX = "config.";

    private final Path dir;

    public MetadataStore(Path dir) {
        this.dir = dir;
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

    /**
     * Loads the cluster id, creating it on first start.
     *
     * @throws IOException also when the directory belongs to another node id
     */
    public String loadOrCreateClusterId(int nodeId) throws IOException {
        Path file = dir.resolve("cluster.properties");
        if (Files.exists(file)) {
            Properties props = read(file);
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
        write(file, props);
        log.info("Initialised a new cluster {} for node {} in {}", clusterId, nodeId, dir);
        return clusterId;
    }

    public List<TopicMetadata> loadTopics() throws IOException {
        Path topicsDir = dir.resolve("topics");
        List<TopicMetadata> topics = new ArrayList<>();
        if (!Files.isDirectory(topicsDir)) {
            return topics;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(topicsDir, "*.properties")) {
            for (Path file : files) {
                topics.add(parseTopic(file, read(file)));
            }
        }
        return topics;
    }

    public void writeTopic(TopicMetadata topic) throws IOException {
        Properties props = new Properties();
        props.setProperty("name", topic.name());
        props.setProperty("topic.id", topic.topicId().toString());
        props.setProperty("partitions", Integer.toString(topic.partitionCount()));
        topic.configs().forEach((k, v) -> props.setProperty(CONFIG_PREFIX + k, v));
        write(topicFile(topic.topicId()), props);
    }

    public void deleteTopic(Uuid topicId) throws IOException {
        AtomicFiles.delete(topicFile(topicId));
    }

    private Path topicFile(Uuid topicId) {
        return dir.resolve("topics").resolve(topicId + ".properties");
    }

    private static TopicMetadata parseTopic(Path file, Properties props) throws IOException {
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

    private static Properties read(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        return props;
    }

    private static void write(Path file, Properties props) throws IOException {
        StringWriter out = new StringWriter();
        props.store(out, null);
        AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
