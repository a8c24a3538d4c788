package io.millrace.schema.registry;

import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.Mode;
import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.store.RegistryState;
import io.millrace.schema.store.StoreCodec;
import io.millrace.schema.store.StoreKey.ConfigKey;
import io.millrace.schema.store.StoreKey.ModeKey;
import java.util.Optional;

/**
 * Compatibility levels and modes, global ({@code subject} null) and per subject, stored as
 * CONFIG and MODE records (last write wins). Thread-safe.
 */
public final class RegistrySettings {

    private final StoreWriter writer;
    private final RegistryState state;

    RegistrySettings(StoreWriter writer, RegistryState state) {
        this.writer = writer;
        this.state = state;
    }

    /** The level in effect for {@code subject}: its own, else the global one, else BACKWARD. */
    CompatibilityLevel compatibility(RegistryState.View view, String subject) {
        return view.config(subject).or(() -> view.config(null)).orElse(CompatibilityLevel.DEFAULT);
    }

    /** The mode in effect: a global READONLY_OVERRIDE wins, then the subject's, the global, READWRITE. */
    Mode mode(RegistryState.View view, String subject) {
        Optional<Mode> global = view.mode(null);
        if (global.orElse(null) == Mode.READONLY_OVERRIDE) {
            return Mode.READONLY_OVERRIDE;
        }
        return view.mode(subject).or(() -> global).orElse(Mode.READWRITE);
    }

    /** GET /config and /config/{subject}. */
    public CompatibilityLevel getCompatibility(String subject, boolean defaultToGlobal) {
        return state.read(view -> {
            if (subject == null || defaultToGlobal) {
                return compatibility(view, subject);
            }
            return view.config(subject).orElseThrow(() -> RegistryErrors.compatibilityNotConfigured(subject));
        });
    }

    /** PUT /config and /config/{subject}. */
    public CompatibilityLevel setCompatibility(String subject, String levelText) {
        CompatibilityLevel level = CompatibilityLevel.parse(levelText)
                .orElseThrow(() -> RegistryErrors.invalidCompatibilityLevel(String.valueOf(levelText)));
        if (subject != null) {
            Versions.checkSubject(subject);
        }
        return writer.write((view, seq, node) ->
                new StoreWriter.Decision<>(new ConfigKey(subject), StoreCodec.encodeConfig(level), level));
    }

    /** DELETE /config (back to BACKWARD) and /config/{subject}; returns the level that was set. */
    public CompatibilityLevel deleteCompatibility(String subject) {
        return writer.write((view, seq, node) -> {
            CompatibilityLevel old;
            if (subject == null) {
                old = compatibility(view, null);
            } else {
                old = view.config(subject).orElseThrow(() -> RegistryErrors.compatibilityNotConfigured(subject));
            }
            return new StoreWriter.Decision<>(new ConfigKey(subject), null, old);
        });
    }

    /** GET /mode and /mode/{subject}. */
    public Mode getMode(String subject, boolean defaultToGlobal) {
        return state.read(view -> {
            if (subject == null) {
                return view.mode(null).orElse(Mode.READWRITE);
            }
            if (defaultToGlobal) {
                return mode(view, subject);
            }
            return view.mode(subject).orElseThrow(() -> RegistryErrors.modeNotConfigured(subject));
        });
    }

    /**
     * PUT /mode and /mode/{subject}. Switching to IMPORT while schemas exist (in the subject, or
     * anywhere for the global mode) needs {@code force}, as Confluent's.
     */
    public Mode setMode(String subject, String modeText, boolean force) {
        Mode mode = Mode.parse(modeText).orElseThrow(() -> RegistryErrors.invalidMode(String.valueOf(modeText)));
        if (subject != null) {
            Versions.checkSubject(subject);
        }
        return writer.write((view, seq, node) -> {
            if (mode == Mode.IMPORT && !force) {
                boolean hasSchemas = subject == null
                        ? !view.subjects(true).isEmpty()
                        : !view.versions(subject).isEmpty();
                if (hasSchemas) {
                    throw RegistryErrors.notPermitted("Cannot import since found existing subjects; "
                            + "set force=true to switch to IMPORT anyway");
                }
            }
            return new StoreWriter.Decision<>(new ModeKey(subject), StoreCodec.encodeMode(mode), mode);
        });
    }

    /** DELETE /mode/{subject} (and /mode: back to READWRITE); returns the mode that was set. */
    public Mode deleteMode(String subject) {
        return writer.write((view, seq, node) -> {
            Mode old;
            if (subject == null) {
                old = view.mode(null).orElse(Mode.READWRITE);
            } else {
                old = view.mode(subject).orElseThrow(() -> RegistryErrors.modeNotConfigured(subject));
            }
            return new StoreWriter.Decision<>(new ModeKey(subject), null, old);
        });
    }
}
