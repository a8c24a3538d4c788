package io.millrace.flink.source.enumerator.subscriber;

import org.apache.flink.annotation.Internal;

/**
 * The broker's rule for stream names, as the connector needs it without depending on the broker:
 * a topic in a stream is named {@code stream:topic}; the stream part is 1 to 247 characters from
 * {@code [a-zA-Z0-9._-]} and neither {@code .} nor {@code ..} (a whole name is at most 249
 * characters and the topic part at least one). Stateless.
 */
@Internal
public final class StreamNames {

    /** Separates the stream from the topic in a topic's name. */
    public static final char SEPARATOR = ':';

    private static final int MAX_NAME_LENGTH = 249;

    private StreamNames() {}

    /**
     * Checks a stream name.
     *
     * @throws IllegalArgumentException saying what is wrong with the stream name
     */
    public static void validate(String stream) {
        if (stream == null || stream.isEmpty()) {
            throw new IllegalArgumentException("A stream name is empty");
        }
        if (stream.length() > MAX_NAME_LENGTH - 2) {
            throw new IllegalArgumentException("Stream name '" + stream + "' is " + stream.length()
                    + " characters long; with ':' and a topic the limit is " + MAX_NAME_LENGTH);
        }
        if (stream.equals(".") || stream.equals("..")) {
            throw new IllegalArgumentException("A stream cannot be named '" + stream + "'");
        }
        for (int i = 0; i < stream.length(); i++) {
            char c = stream.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!legal) {
                throw new IllegalArgumentException("Stream name '" + stream + "' contains '" + c
                        + "'; legal characters are ASCII letters, digits, '.', '_' and '-'");
            }
        }
    }

    /** The start of the names of the stream's topics: {@code stream:}. */
    public static String topicPrefix(String stream) {
        return stream + SEPARATOR;
    }
}
