package io.millrace.bench.common;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Values of a benchmark's command-line options, checked, with errors that name the option. Stateless. */
public final class OptionValues {

    private OptionValues() {}

    /** {@code value} as a number above zero ({@code _} allowed as a separator). */
    public static long positive(String option, String value) {
        long parsed = number(option, value);
        if (parsed <= 0) {
            throw new IllegalArgumentException(option + " must be positive, not " + value);
        }
        return parsed;
    }

    /** {@code value} as a number of zero or more ({@code _} allowed as a separator). */
    public static long nonNegative(String option, String value) {
        long parsed = number(option, value);
        if (parsed < 0) {
            throw new IllegalArgumentException(option + " must not be negative, not " + value);
        }
        return parsed;
    }

    /** The non-empty items of a comma-separated {@code value}, trimmed. */
    public static List<String> list(String value) {
        return Arrays.stream(value.split(",", -1))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** A report name: {@code prefix-yyyyMMdd-HHmmss} of the current UTC time. */
    public static String timestamped(String prefix) {
        return prefix + "-"
                + LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    }

    private static long number(String option, String value) {
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not " + value, e);
        }
    }
}
