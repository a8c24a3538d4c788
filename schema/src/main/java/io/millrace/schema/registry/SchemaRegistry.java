package io.millrace.schema.registry;

import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.Mode;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.core.SchemaIdentity;
import io.millrace.schema.store.RegistryState;
import io.millrace.schema.store.SchemasTopic;
import io.millrace.schema.store.StoreCodec;
import io.millrace.schema.store.StoreKey.SchemaKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The registry's subject and schema operations, with Confluent's semantics and error codes.
 * Reads answer from this instance's replayed state; writes go through {@link StoreWriter}.
 * Thread-safe.
 */
public final class SchemaRegistry {

    private final RegistryState state;
    private final StoreWriter writer;
    private final RegistrySettings settings;

    public SchemaRegistry(SchemasTopic topic, RegistryState state) {
        this.state = state;
        this.writer = new StoreWriter(topic, state);
        this.settings = new RegistrySettings(writer, state);
    }

    public RegistrySettings settings() {
        return settings;
    }

    // ---- reads

    public List<String> subjects(String prefix, boolean deleted) {
        return state.read(v -> v.subjects(deleted)).stream()
                .filter(s -> prefix == null || s.startsWith(prefix))
                .toList();
    }

    public List<Integer> versions(String subject, boolean deleted) {
        List<Integer> versions = state.read(v -> v.versions(subject)).stream()
                .filter(s -> deleted || !s.deleted())
                .map(RegisteredSchema::version)
                .toList();
        if (versions.isEmpty()) {
            throw RegistryErrors.subjectNotFound(subject);
        }
        return versions;
    }

    public RegisteredSchema version(String subject, String versionText, boolean deleted) {
        int version = Versions.parse(versionText);
        List<RegisteredSchema> all = state.read(v -> v.versions(subject));
        if (all.isEmpty() || (!deleted && Versions.live(all).isEmpty())) {
            throw RegistryErrors.subjectNotFound(subject);
        }
        return Versions.find(all, version, deleted).orElseThrow(() -> RegistryErrors.versionNotFound(versionText));
    }

    public List<Integer> referencedBy(String subject, String versionText) {
        RegisteredSchema target = version(subject, versionText, true);
        return state.read(v -> v.referencedBy(subject, target.version()));
    }

    /** Finds {@code request}'s schema among the subject's versions (POST /subjects/{subject}). */
    public RegisteredSchema lookup(String subject, RegisterRequest request, boolean normalize, boolean deleted) {
        return state.read(view -> {
            List<RegisteredSchema> all = view.versions(subject);
            if (all.isEmpty() || (!deleted && Versions.live(all).isEmpty())) {
                throw RegistryErrors.subjectNotFound(subject);
            }
            ParsedSchema parsed = SchemaParsing.parse(view, request, normalize);
            SchemaIdentity wanted = new SchemaIdentity(parsed.schemaType(), parsed.canonical(), parsed.references());
            for (int i = all.size() - 1; i >= 0; i--) {
                RegisteredSchema s = all.get(i);
                if ((deleted || !s.deleted()) && s.identity().equals(wanted)) {
                    return s;
                }
            }
            throw RegistryErrors.schemaNotFound();
        });
    }

    public SchemaIdentity schemaById(int id) {
        return state.read(v -> v.schemaById(id)).orElseThrow(() -> RegistryErrors.schemaNotFound(id));
    }

    /** The versions that use {@code id}, by subject then version. */
    public List<RegisteredSchema> usesOfId(int id, boolean deleted) {
        List<RegisteredSchema> uses = state.read(v -> {
            if (v.schemaById(id).isEmpty()) {
                throw RegistryErrors.schemaNotFound(id);
            }
            return v.usesOf(id);
        });
        return uses.stream()
                .filter(s -> deleted || !s.deleted())
                .sorted(Comparator.comparing(RegisteredSchema::subject).thenComparingInt(RegisteredSchema::version))
                .toList();
    }

    /** Every version (GET /schemas), filtered as Confluent's query parameters ask. */
    public List<RegisteredSchema> schemas(String prefix, boolean deleted, boolean latestOnly) {
        return state.read(view -> {
            List<RegisteredSchema> out = new ArrayList<>();
            for (String subject : view.subjects(deleted)) {
                if (prefix != null && !subject.startsWith(prefix)) {
                    continue;
                }
                List<RegisteredSchema> versions = view.versions(subject).stream()
                        .filter(s -> deleted || !s.deleted())
                        .toList();
                if (latestOnly && !versions.isEmpty()) {
                    out.add(versions.get(versions.size() - 1));
                } else {
                    out.addAll(versions);
                }
            }
            return out;
        });
    }

    /**
     * Compatibility of {@code request} with one version ({@code versionText}) or, when it is
     * null, with the versions the subject's level names. Empty list: compatible.
     */
    public List<String> testCompatibility(
            String subject, String versionText, RegisterRequest request, boolean normalize) {
        Integer version = versionText == null ? null : Versions.parse(versionText);
        return state.read(view -> {
            List<RegisteredSchema> live = Versions.live(view.versions(subject));
            if (version != null && live.isEmpty()) {
                throw RegistryErrors.subjectNotFound(subject);
            }
            ParsedSchema parsed = SchemaParsing.parse(view, request, normalize);
            CompatibilityLevel level = settings.compatibility(view, subject);
            List<RegisteredSchema> against = version == null
                    ? live
                    : List.of(Versions.find(live, version, false)
                            .orElseThrow(() -> RegistryErrors.versionNotFound(versionText)));
            return SchemaParsing.check(view, level, parsed, against);
        });
    }

    // ---- writes

    /** Registers {@code request} under {@code subject}; returns its id (an existing one if already registered). */
    public int register(String subject, RegisterRequest request, boolean normalize) {
        Versions.checkSubject(subject);
        return writer.write((view, seq, node) -> decideRegister(view, seq, node, subject, request, normalize));
    }

    private StoreWriter.Decision<Integer> decideRegister(
            RegistryState.View view,
            long seq,
            String node,
            String subject,
            RegisterRequest request,
            boolean normalize) {
        Mode mode = settings.mode(view, subject);
        if (mode.readOnly()) {
            throw RegistryErrors.notPermitted("Subject " + subject + " is in read-only mode");
        }
        boolean importing = mode == Mode.IMPORT;
        Integer wantedId = request.id() != null && request.id() >= 0 ? request.id() : null;
        if (wantedId != null && !importing) {
            throw RegistryErrors.notPermitted(
                    "Subject " + subject + " is not in import mode; an explicit id " + "needs mode IMPORT");
        }
        ParsedSchema parsed = SchemaParsing.parse(view, request, normalize);
        SchemaIdentity identity = new SchemaIdentity(parsed.schemaType(), parsed.canonical(), parsed.references());
        List<RegisteredSchema> all = view.versions(subject);
        List<RegisteredSchema> live = Versions.live(all);
        for (int i = live.size() - 1; i >= 0; i--) {
            if (live.get(i).identity().equals(identity)) {
                int existing = live.get(i).id();
                if (wantedId != null && wantedId != existing) {
                    throw RegistryErrors.idDoesNotMatch(existing, wantedId);
                }
                return StoreWriter.Decision.done(existing);
            }
        }
        if (!importing) {
            List<String> problems = SchemaParsing.check(view, settings.compatibility(view, subject), parsed, live);
            if (!problems.isEmpty()) {
                throw RegistryErrors.incompatible("Schema being registered is incompatible with an earlier schema "
                        + "for subject \"" + subject + "\", details: " + problems);
            }
        }
        int id;
        if (wantedId != null) {
            view.schemaById(wantedId).filter(bound -> !bound.equals(identity)).ifPresent(bound -> {
                throw RegistryErrors.notPermitted("Overwrite new schema with id " + wantedId + " is not permitted: "
                        + "the id already names a different schema");
            });
            id = wantedId;
        } else {
            id = view.idOf(identity).orElse(view.maxId() + 1);
        }
        int version;
        int highest = all.isEmpty() ? 0 : all.get(all.size() - 1).version();
        if (importing && request.version() != null && request.version() > 0) {
            version = request.version();
            if (view.version(subject, version).isPresent()) {
                throw RegistryErrors.notPermitted("Subject " + subject + " already has version " + version);
            }
        } else {
            version = highest + 1;
        }
        RegisteredSchema record = new RegisteredSchema(
                subject, version, id, parsed.schemaType(), parsed.canonical(), parsed.references(), false);
        return new StoreWriter.Decision<>(
                new SchemaKey(subject, version, seq, node), StoreCodec.encodeSchema(record), id);
    }

    /** Soft or permanent deletion of a subject; returns the versions deleted. */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Integer> deleted = new ArrayList<>();
        while (true) {
            Integer next = writer.write(
                    (view, seq, node) -> decideSubjectDeletion(view, seq, node, subject, permanent, deleted.isEmpty()));
            if (next == null) {
                return deleted;
            }
            if (!deleted.contains(next)) {
                deleted.add(next);
            }
        }
    }

    private StoreWriter.Decision<Integer> decideSubjectDeletion(
            RegistryState.View view, long seq, String node, String subject, boolean permanent, boolean first) {
        List<RegisteredSchema> all = view.versions(subject);
        if (all.isEmpty()) {
            if (first) {
                throw RegistryErrors.subjectNotFound(subject);
            }
            return StoreWriter.Decision.done(null);
        }
        if (settings.mode(view, subject).readOnly()) {
            throw RegistryErrors.notPermitted("Subject " + subject + " is in read-only mode");
        }
        List<RegisteredSchema> live = Versions.live(all);
        if (first) {
            if (permanent && !live.isEmpty()) {
                throw RegistryErrors.subjectNotSoftDeleted(subject);
            }
            if (!permanent && live.isEmpty()) {
                throw RegistryErrors.subjectSoftDeleted(subject);
            }
            for (RegisteredSchema s : all) {
                checkNotReferenced(view, s);
            }
        }
        if (permanent) {
            RegisteredSchema target = all.get(0);
            return tombstone(view, target);
        }
        if (live.isEmpty()) {
            return StoreWriter.Decision.done(null);
        }
        RegisteredSchema target = live.get(0);
        return new StoreWriter.Decision<>(
                new SchemaKey(subject, target.version(), seq, node),
                StoreCodec.encodeSchema(target.withDeleted(true)),
                target.version());
    }

    /** Soft or permanent deletion of one version; returns its number. */
    public int deleteVersion(String subject, String versionText, boolean permanent) {
        int version = Versions.parse(versionText);
        return writer.write((view, seq, node) -> {
            List<RegisteredSchema> all = view.versions(subject);
            if (all.isEmpty()) {
                throw RegistryErrors.subjectNotFound(subject);
            }
            if (settings.mode(view, subject).readOnly()) {
                throw RegistryErrors.notPermitted("Subject " + subject + " is in read-only mode");
            }
            // "latest" means the latest live version; a number may name a soft-deleted one (40406)
            RegisteredSchema target = Versions.find(all, version, permanent || version != Versions.LATEST)
                    .orElseThrow(() -> RegistryErrors.versionNotFound(versionText));
            if (permanent && !target.deleted()) {
                throw RegistryErrors.versionNotSoftDeleted(subject, target.version());
            }
            if (!permanent && target.deleted()) {
                throw RegistryErrors.versionSoftDeleted(subject, target.version());
            }
            checkNotReferenced(view, target);
            if (permanent) {
                return tombstone(view, target);
            }
            return new StoreWriter.Decision<>(
                    new SchemaKey(subject, target.version(), seq, node),
                    StoreCodec.encodeSchema(target.withDeleted(true)),
                    target.version());
        });
    }

    /** Tombstones for every key that holds the version. */
    private static StoreWriter.Decision<Integer> tombstone(RegistryState.View view, RegisteredSchema target) {
        List<SchemaKey> keys = view.keys(target.subject(), target.version()).stream()
                .sorted(Comparator.comparingLong(SchemaKey::seq))
                .toList();
        return StoreWriter.Decision.tombstones(keys, target.version());
    }

    private static void checkNotReferenced(RegistryState.View view, RegisteredSchema target) {
        List<Integer> ids = view.referencedBy(target.subject(), target.version());
        if (!ids.isEmpty()) {
            throw RegistryErrors.referenceExists("One or more references exist to the schema {subject="
                    + target.subject() + ", version=" + target.version() + "}: schema ids " + ids);
        }
    }
}
