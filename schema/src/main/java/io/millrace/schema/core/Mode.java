package io.millrace.schema.core;

import java.util.Optional;

/**
 * Confluent's registry modes. READONLY and READONLY_OVERRIDE refuse writes to schemas (the
 * override form, set globally, also wins over subject-level modes); IMPORT accepts
 * registrations with explicit ids and versions (for migrating a registry).
 */
public enum Mode {
    READWRITE,
    READONLY,
    READONLY_OVERRIDE,
    IMPORT;

    public static Optional<Mode> parse(String name) {
        return Names.parse(Mode.class, name);
    }

    public boolean readOnly() {
        return this == READONLY || this == READONLY_OVERRIDE;
    }
}
