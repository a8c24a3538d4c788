package io.millrace.broker.common.config;

import io.millrace.broker.common.AtomicFiles;
import io.millrace.broker.common.config.DynamicBrokerConfig.Level;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The dynamic broker configuration on disk: one Java properties file, replaced as a whole with
 * {@link AtomicFiles} on every change, so after a crash it holds either the old or the new values.
 *
 * <p>Format 1: {@code version=1}, then one line per value, the key prefixed with its level:
 * {@code broker.<key>=<value>} for this broker's own values and {@code cluster-default.<key>=<value>}
 * for the cluster-wide defaults. A missing file means no dynamic values. Not thread-safe: its
 * owner serialises writes.
 */
final class DynamicConfigFile {

    static final int VERSION = 1;
    private static final String VERSION_KEY = "version";
    private static final Map<Level, String> PREFIXES =
            Map.of(Level.BROKER, "broker.", Level.CLUSTER_DEFAULT, "cluster-default.");

    private final Path path;

    DynamicConfigFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * The stored values of each level (empty maps when the file does not exist).
     *
     * @throws IOException when the file cannot be read or is not of a known format
     */
    Map<Level, Map<String, String>> read() throws IOException {
        Map<Level, Map<String, String>> values = new EnumMap<>(Level.class);
        for (Level level : Level.values()) {
            values.put(level, new TreeMap<>());
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (NoSuchFileException e) {
            return values;
        }
        String version = props.getProperty(VERSION_KEY);
        if (!String.valueOf(VERSION).equals(version)) {
            throw new IOException(path + " has format version " + version + ", which this broker cannot read");
        }
        for (String name : props.stringPropertyNames()) {
            if (name.equals(VERSION_KEY)) {
                continue;
            }
            Level level = levelOf(name);
            if (level == null) {
                throw new IOException(path + " holds '" + name + "', which belongs to no level; the file is damaged");
            }
            values.get(level).put(name.substring(PREFIXES.get(level).length()), props.getProperty(name));
        }
        return values;
    }

    /** Replaces the file with these values, durably. */
    void write(Map<Level, Map<String, String>> values) throws IOException {
        Properties props = new Properties();
        props.setProperty(VERSION_KEY, String.valueOf(VERSION));
        for (Map.Entry<Level, Map<String, String>> level : values.entrySet()) {
            level.getValue().forEach((key, value) -> props.setProperty(PREFIXES.get(level.getKey()) + key, value));
        }
        StringWriter out = new StringWriter();
        props.store(out, "Dynamic broker configuration, written by the broker");
        AtomicFiles.write(path, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Level levelOf(String name) {
        for (Map.Entry<Level, String> e : PREFIXES.entrySet()) {
            if (name.startsWith(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }
}
