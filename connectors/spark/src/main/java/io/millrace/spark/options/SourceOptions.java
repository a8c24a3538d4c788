package io.millrace.spark.options;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The options a query gave the source, looked up case-insensitively as Spark does, with the
 * {@code kafka.*} ones set apart (prefix removed) for the Kafka clients. Parsing follows
 * spark-sql-kafka-0-10: numbers and booleans that do not parse fail with the JDK's (Scala's) usual
 * message. Immutable.
 */
public final class SourceOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> byLowerCaseName;
    private final Map<String, String> kafkaParams;

    private SourceOptions(Map<String, String> byLowerCaseName, Map<String, String> kafkaParams) {
        this.byLowerCaseName = byLowerCaseName;
        this.kafkaParams = kafkaParams;
    }

    /** The options as the user wrote them (names in any case). */
    public static SourceOptions of(Map<String, String> options) {
        Map<String, String> lower = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        options.forEach((name, value) -> {
            String lowerName = name.toLowerCase(Locale.ROOT);
            lower.put(lowerName, value);
            if (lowerName.startsWith(OptionNames.KAFKA_PREFIX)) {
                kafka.put(name.substring(OptionNames.KAFKA_PREFIX.length()), value);
            }
        });
        return new SourceOptions(Collections.unmodifiableMap(lower), Collections.unmodifiableMap(kafka));
    }

    public boolean contains(String lowerCaseName) {
        return byLowerCaseName.containsKey(lowerCaseName);
    }

    public Optional<String> get(String lowerCaseName) {
        return Optional.ofNullable(byLowerCaseName.get(lowerCaseName));
    }

    /** Every option, names lower-cased. */
    public Map<String, String> all() {
        return byLowerCaseName;
    }

    /** The {@code kafka.*} options without their prefix: settings for the Kafka clients. */
    public Map<String, String> kafkaParams() {
        return kafkaParams;
    }

    public boolean booleanOption(String lowerCaseName, boolean absent) {
        return get(lowerCaseName).map(SourceOptions::parseBoolean).orElse(absent);
    }

    public Optional<Integer> intOption(String lowerCaseName) {
        return get(lowerCaseName).map(Integer::parseInt);
    }

    public Optional<Long> longOption(String lowerCaseName) {
        return get(lowerCaseName).map(Long::parseLong);
    }

    /** Strict like Scala's {@code toBoolean}: only true or false, in any case. */
    private static boolean parseBoolean(String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("For input string: \"" + value + "\"");
    }
}
