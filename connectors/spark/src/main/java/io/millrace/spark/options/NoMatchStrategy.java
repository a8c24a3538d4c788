package io.millrace.spark.options;

import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * What a timestamp-based starting offset does when a partition has no record at or after the
 * timestamp ({@code startingOffsetsByTimestampStrategy}): fail, or start at the latest offset.
 */
public enum NoMatchStrategy {
    ERROR,
    LATEST;

    /** Parses the option's value in any case; an unknown value fails as Spark's does. */
    public static NoMatchStrategy parse(String value) {
        String upper = value.toUpperCase(Locale.ROOT);
        for (NoMatchStrategy strategy : values()) {
            if (strategy.name().equals(upper)) {
                return strategy;
            }
        }
        throw new NoSuchElementException("No value found for '" + upper + "'");
    }
}
