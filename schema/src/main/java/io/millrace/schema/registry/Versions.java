package io.millrace.schema.registry;

import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.RegistryErrors;
import java.util.List;
import java.util.Optional;

/** Version and subject arguments as the REST API spells them. Stateless. */
final class Versions {

    /** {@code latest} (or {@code -1}). */
    static final int LATEST = -1;

    private Versions() {}

    /** {@code latest}, {@code -1} or 1..2^31-1; anything else is 42202. */
    static int parse(String text) {
        if (text == null) {
            throw RegistryErrors.invalidVersion("null");
        }
        if (text.equalsIgnoreCase("latest") || text.equals("-1")) {
            return LATEST;
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw RegistryErrors.invalidVersion(text);
    }

    /** Confluent refuses empty subjects, control characters and its reserved names (42208). */
    static String checkSubject(String subject) {
        if (subject == null
                || subject.isEmpty()
                || subject.equals("__GLOBAL")
                || subject.equals("__EMPTY")
                || subject.chars().anyMatch(Character::isISOControl)) {
            throw RegistryErrors.invalidSubject(subject == null ? "" : subject);
        }
        return subject;
    }

    /** The version asked for among {@code all} (oldest first), honouring soft deletion. */
    static Optional<RegisteredSchema> find(List<RegisteredSchema> all, int version, boolean includeDeleted) {
        if (version == LATEST) {
            for (int i = all.size() - 1; i >= 0; i--) {
                if (includeDeleted || !all.get(i).deleted()) {
                    return Optional.of(all.get(i));
                }
            }
            return Optional.empty();
        }
        return all.stream()
                .filter(s -> s.version() == version && (includeDeleted || !s.deleted()))
                .findFirst();
    }

    static List<RegisteredSchema> live(List<RegisteredSchema> all) {
        return all.stream().filter(s -> !s.deleted()).toList();
    }
}
