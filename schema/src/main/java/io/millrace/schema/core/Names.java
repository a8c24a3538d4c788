package io.millrace.schema.core;

import java.util.Locale;
import java.util.Optional;

/** Lenient parsing of the enum names clients send ("backward", " FULL "). */
final class Names {

    private Names() {}

    /** Case-insensitive and trimmed; empty for null or anything that is not a constant's name. */
    static <E extends Enum<E>> Optional<E> parse(Class<E> type, String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
