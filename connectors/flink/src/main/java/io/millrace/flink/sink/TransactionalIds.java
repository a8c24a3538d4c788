package io.millrace.flink.sink;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names of the sink's transactional ids: {@code <prefix>-<space>-<n>}. A <em>space</em> is the
 * subtask index that first wrote in it (after a rescale a subtask may own the spaces of others); n
 * numbers the ids of a space from 0 and is bounded by the transactions a subtask has in flight at
 * once, since ids are reused. Stateless.
 */
final class TransactionalIds {

    private TransactionalIds() {}

    /** The id number {@code n} of {@code space}. */
    static String of(String prefix, int space, int n) {
        return prefix + "-" + space + "-" + n;
    }

    /** The space and number of {@code transactionalId} if it is an id of {@code prefix}. */
    static Optional<Parsed> parse(String prefix, String transactionalId) {
        if (!transactionalId.startsWith(prefix + "-")) {
            return Optional.empty();
        }
        String rest = transactionalId.substring(prefix.length() + 1);
        int dash = rest.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        String space = rest.substring(0, dash);
        String n = rest.substring(dash + 1);
        if (!isNumber(space) || !isNumber(n)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Parsed(Integer.parseInt(space), Integer.parseInt(n)));
        } catch (NumberFormatException e) {
            return Optional.empty(); // digits beyond int range: not an id this sink made
        }
    }

    /** A Java regular expression matching the whole of every id of {@code prefix}. */
    static String pattern(String prefix) {
        return Pattern.quote(prefix) + "-[0-9]+-[0-9]+";
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || (s.length() > 1 && s.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The parts of an id. */
    record Parsed(int space, int n) {}
}
