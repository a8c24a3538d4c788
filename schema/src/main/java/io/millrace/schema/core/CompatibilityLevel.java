package io.millrace.schema.core;

import java.util.Optional;

/**
 * Confluent's compatibility levels. BACKWARD: the new schema reads data written with the previous
 * one; FORWARD: the previous schema reads data written with the new one; FULL: both. The
 * {@code _TRANSITIVE} forms check against every earlier (non-deleted) version, the others only
 * against the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The global default, as Confluent's. */
    public static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema must read data written with the old ones. */
    public boolean backward() {
        return backward;
    }

    /** Whether the old schemas must read data written with the new one. */
    public boolean forward() {
        return forward;
    }

    public boolean transitive() {
        return transitive;
    }

    /** Case-insensitive; empty for anything that is not a level name. */
    public static Optional<CompatibilityLevel> parse(String name) {
        return Names.parse(CompatibilityLevel.class, name);
    }
}
