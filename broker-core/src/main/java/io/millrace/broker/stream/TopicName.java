package io.millrace.broker.stream;

import java.util.Optional;
import org.apache.kafka.common.errors.InvalidTopicException;

/**
 * Rules for topic names. A name is either a plain Kafka topic name, which belongs to the
 * default stream, or a stream-qualified {@code stream:topic} (MapR Streams style) where both
 * parts follow Kafka's rules: 1 to 249 characters in total from {@code [a-zA-Z0-9._-]}, and
 * neither part is {@code .} or {@code ..}.
 */
public final class TopicName {

    /** Longest legal name, as in Kafka (leaves room for "-partition" in directory names). */
    public static final int MAX_LENGTH = 249;
    /** Separates the stream from the topic in a qualified name. */
    public static final char STREAM_SEPARATOR = ':';

    private TopicName() {}

    /**
     * @throws InvalidTopicException saying what is wrong with the name
     */
    public static void validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidTopicException("Topic name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidTopicException(
                    "Topic name '" + name + "' is " + name.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        int sep = name.indexOf(STREAM_SEPARATOR);
        if (sep < 0) {
            validatePart(name, name, "topic");
            return;
        }
        if (name.indexOf(STREAM_SEPARATOR, sep + 1) >= 0) {
            throw new InvalidTopicException(
                    "Topic name '" + name + "' has more than one ':'; a stream-qualified name is stream:topic");
        }
        validatePart(name, name.substring(0, sep), "stream");
        validatePart(name, name.substring(sep + 1), "topic");
    }

    /** Whether {@link #validate} would accept the name. */
    public static boolean isValid(String name) {
        try {
            validate(name);
            return true;
        } catch (InvalidTopicException e) {
            return false;
        }
    }

    /** The stream of a qualified name, or empty for a topic of the default stream. */
    public static Optional<String> stream(String name) {
        int sep = name.indexOf(STREAM_SEPARATOR);
        return sep < 0 ? Optional.empty() : Optional.of(name.substring(0, sep));
    }

    /**
     * Kafka's collision rule: '.' and '_' map to the same metric name, so "a.b" and "a_b"
     * cannot both exist.
     */
    public static String collisionKey(String name) {
        return name.replace('.', '_');
    }

    /** Internal topics (the broker's own state) start with two underscores. */
    public static boolean isInternal(String name) {
        return name.startsWith("__");
    }

    private static void validatePart(String whole, String part, String what) {
        if (part.isEmpty()) {
            throw new InvalidTopicException("Topic name '" + whole + "' has an empty " + what + " part");
        }
        if (part.equals(".") || part.equals("..")) {
            throw new InvalidTopicException("Topic name '" + whole + "': the " + what + " cannot be '.' or '..'");
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!legal) {
                throw new InvalidTopicException(
                        "Topic name '" + whole + "' contains '" + c
                                + "'; legal characters are ASCII letters, digits, '.', '_', '-' and one ':' after a stream name");
            }
        }
    }
}
