package io.millrace.spark.options;

import java.util.Arrays;
import java.util.List;

/** Comma-separated names in an option ({@code subscribe}, {@code stream}), trimmed, empties dropped. */
public final class TopicLists {

    private TopicLists() {}

    public static List<String> split(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
