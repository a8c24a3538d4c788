package io.millrace.spark.options;

import java.util.regex.Pattern;

/**
 * The broker's rule for the names of streams: a topic of stream {@code s} is named {@code s:topic},
 * and {@code s} is 1 to 247 ASCII letters, digits, {@code .}, {@code _} or {@code -}, other than
 * {@code .} and {@code ..} (so that {@code s:} and a topic fit in the 249 characters of a topic
 * name). Stateless.
 */
public final class StreamNames {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,247}");

    private StreamNames() {}

    /** Fails with what is wrong when {@code stream} cannot name a stream. */
    public static void validate(String stream) {
        if (!LEGAL.matcher(stream).matches() || stream.equals(".") || stream.equals("..")) {
            throw new IllegalArgumentException("Invalid stream name '" + stream
                    + "': a stream name is 1 to 247 characters from [a-zA-Z0-9._-], other than '.' and '..'");
        }
    }

    /** How the names of the stream's topics begin. */
    public static String topicPrefix(String stream) {
        return stream + ':';
    }
}
