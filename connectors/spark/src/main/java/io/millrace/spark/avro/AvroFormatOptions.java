package io.millrace.spark.avro;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The options that make the {@code key} or {@code value} column registry Avro, for the source and
 * the sink, looked up case-insensitively:
 *
 * <ul>
 *   <li>{@code valueFormat} / {@code keyFormat}: {@code binary} (default) or {@code avro};
 *   <li>{@code valueSubject} / {@code keySubject}: the registry subject, by default
 *       {@code <topic>-value} / {@code <topic>-key} when there is one topic;
 *   <li>{@code valueSchemaVersion} / {@code keySchemaVersion}: a version number or {@code latest}
 *       (the default when reading); writing uses the struct's own schema unless this is set;
 *   <li>{@code schema.registry.*}: the registry client ({@link RegistrySettings}).
 * </ul>
 *
 * <p>An invalid value fails naming the option. Stateless.
 */
public final class AvroFormatOptions {

    public static final String BINARY = "binary";
    public static final String AVRO = "avro";
    public static final String LATEST = "latest";

    private AvroFormatOptions() {}

    /** The column's options ("key" or "value"): its format, subject and schema version option names. */
    record Column(String name) {
        String formatOption() {
            return name + "Format";
        }

        String subjectOption() {
            return name + "Subject";
        }

        String versionOption() {
            return name + "SchemaVersion";
        }
    }

    static final Column KEY = new Column("key");
    static final Column VALUE = new Column("value");

    /** {@code options} with lower-case names. */
    static Map<String, String> lowerCased(Map<String, String> options) {
        Map<String, String> lower = new HashMap<>();
        options.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        return lower;
    }

    /** Whether the column is Avro: {@code <column>Format} is {@code avro}; fails on anything but binary or avro. */
    static boolean isAvro(Map<String, String> lowerOptions, Column column) {
        String format = lowerOptions.get(lower(column.formatOption()));
        if (format == null || format.trim().equalsIgnoreCase(BINARY)) {
            return false;
        }
        if (format.trim().equalsIgnoreCase(AVRO)) {
            return true;
        }
        throw new IllegalArgumentException("Invalid value '" + format + "' for option '" + column.formatOption()
                + "': expected '" + BINARY + "' or '" + AVRO + "'");
    }

    /**
     * The column's subject: {@code <column>Subject}, or {@code <topic>-<column>} when
     * {@code singleTopic} is not null.
     *
     * @param topicsDescription what is read or written when there is no single topic, for the error
     */
    static String subject(
            Map<String, String> lowerOptions, Column column, String singleTopic, String topicsDescription) {
        String subject = lowerOptions.get(lower(column.subjectOption()));
        if (subject != null) {
            if (subject.isBlank()) {
                throw new IllegalArgumentException("Option '" + column.subjectOption() + "' must not be empty");
            }
            return subject.trim();
        }
        if (singleTopic != null) {
            return singleTopic + "-" + column.name();
        }
        throw new IllegalArgumentException("Option '" + column.subjectOption() + "' is required with "
                + column.formatOption() + "=avro when " + topicsDescription
                + " (the default subject '<topic>-" + column.name() + "' needs exactly one topic)");
    }

    /** The version pinned by option {@code option}, or null for the latest one (absent or {@code latest}). */
    static Integer version(Map<String, String> lowerOptions, String option) {
        String version = lowerOptions.get(lower(option));
        if (version == null || version.trim().equalsIgnoreCase(LATEST)) {
            return null;
        }
        try {
            int parsed = Integer.parseInt(version.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the option's name
        }
        throw new IllegalArgumentException("Invalid value '" + version + "' for option '" + option
                + "': expected a version number (1, 2, ...) or '" + LATEST + "'");
    }

    /** Whether option {@code option} (a schema version) is given at all. */
    static boolean hasVersion(Map<String, String> lowerOptions, String option) {
        return lowerOptions.containsKey(lower(option));
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
