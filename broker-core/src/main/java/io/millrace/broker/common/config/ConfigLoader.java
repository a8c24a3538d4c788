package io.millrace.broker.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Merges configuration sources in increasing precedence: built-in defaults, a properties file
 * ({@code --config}), {@code MILLRACE_*} environment variables ({@code MILLRACE_LOG_DIRS}
 * sets {@code log.dirs}) and command-line overrides ({@code --override key=value}).
 *
 * <p>Unknown keys do not stop the broker: they are collected in {@link Result#warnings()} so
 * the launcher can report them, naming where each came from.
 */
public final class ConfigLoader {

    /** Prefix of environment variables that set configuration keys. */
    public static final String ENV_PREFIX = "MILLRACE_";

    private ConfigLoader() {}

    /**
     * The parsed configuration, the raw values of keys that belong to broker extensions, and what
     * was ignored while building it.
     */
    public record Result(BrokerConfig config, List<String> warnings, Map<String, String> extensionSettings) {}

    /**
     * @param configFile optional properties file
     * @param environment the process environment (only {@code MILLRACE_*} entries are used)
     * @param overrides {@code key=value} strings from the command line, in order
     * @throws ConfigException when a file cannot be read, an override is malformed or a value is invalid
     */
    public static Result load(Path configFile, Map<String, String> environment, List<String> overrides) {
        return load(configFile, environment, overrides, Set.of());
    }

    /**
     * As {@link #load(Path, Map, List)}, also accepting {@code extensionKeys} (the keys of broker
     * extensions): their values are returned unparsed in {@link Result#extensionSettings()}.
     */
    public static Result load(
            Path configFile, Map<String, String> environment, List<String> overrides, Set<String> extensionKeys) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        if (configFile != null) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (NoSuchFileException e) {
                throw new ConfigException("Configuration file " + configFile + " does not exist");
            } catch (IOException e) {
                throw new ConfigException("Cannot read configuration file " + configFile + ": " + e.getMessage());
            }
            for (String key : props.stringPropertyNames()) {
                put(merged, origin, key.trim(), props.getProperty(key).trim(), "config file " + configFile);
            }
        }
        environment.entrySet().stream()
                .filter(e -> e.getKey().startsWith(ENV_PREFIX))
                .filter(e -> !BrokerConfig.LAUNCHER_ENVIRONMENT.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> put(
                        merged,
                        origin,
                        envToKey(e.getKey()),
                        e.getValue().trim(),
                        "environment variable " + e.getKey()));
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("Override '" + override + "' is not of the form key=value");
            }
            put(
                    merged,
                    origin,
                    override.substring(0, eq).trim(),
                    override.substring(eq + 1).trim(),
                    "--override");
        }
        List<String> warnings = new ArrayList<>();
        Map<String, String> known = new LinkedHashMap<>();
        Map<String, String> extension = new LinkedHashMap<>();
        merged.forEach((key, value) -> {
            if (BrokerConfig.isKnownKey(key)) {
                known.put(key, value);
            } else if (extensionKeys.contains(key)) {
                extension.put(key, value);
            } else {
                warnings.add("Unknown configuration key '" + key + "' (from " + origin.get(key)
                        + ") is ignored; check its spelling against docs/configuration.md");
            }
        });
        return new Result(BrokerConfig.parse(known), warnings, extension);
    }

    /** {@code MILLRACE_LOG_RETENTION_MS} becomes {@code log.retention.ms}. */
    static String envToKey(String envName) {
        return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static void put(
            Map<String, String> merged, Map<String, String> origin, String key, String value, String from) {
        merged.put(key, value);
        origin.put(key, from);
    }
}
