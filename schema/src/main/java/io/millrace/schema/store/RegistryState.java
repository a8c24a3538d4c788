package io.millrace.schema.store;

import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.Mode;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.SchemaIdentity;
import io.millrace.schema.core.SchemaReference;
import io.millrace.schema.store.StoreKey.ConfigKey;
import io.millrace.schema.store.StoreKey.ModeKey;
import io.millrace.schema.store.StoreKey.SchemaKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's in-memory view, built by replaying the {@code _schemas} topic in offset order.
 * Replay is deterministic, so every instance that has read up to an offset holds the same view.
 *
 * <p>A SCHEMA record is accepted only if its key's {@code seq} equals the offset it was written
 * at (its writer had seen every earlier record), its id is not already bound to a different
 * schema, and its subject version is free or holds the same id. A record that fails this lost a
 * race with another writer and is ignored by every reader; the writer sees that and retries.
 * So one id never names two different schemas.
 *
 * <p>Thread-safety: one thread applies records ({@link #apply}); any thread reads through
 * {@link #read}, which runs under the same monitor. {@link #awaitOffset} waits on it.
 */
public final class RegistryState {

    private static final Logger log = LoggerFactory.getLogger(RegistryState.class);

    /** A subject version and the topic keys that currently hold it. */
    private record Entry(RegisteredSchema schema, Set<SchemaKey> keys) {}

    /** A setting (compatibility level or mode): its global value and per-subject values; null is unset. */
    private static final class Setting<V> {
        private final Map<String, V> bySubject = new HashMap<>();
        private V global;

        /** @param subject null for the global value */
        V get(String subject) {
            return subject == null ? global : bySubject.get(subject);
        }

        /** @param value null (a tombstone) unsets it */
        void set(String subject, V value) {
            if (subject == null) {
                global = value;
            } else if (value == null) {
                bySubject.remove(subject);
            } else {
                bySubject.put(subject, value);
            }
        }
    }

    private final Map<String, NavigableMap<Integer, Entry>> subjects = new TreeMap<>();
    private final Map<Integer, SchemaIdentity> identities = new HashMap<>();
    private final Map<SchemaIdentity, Integer> idsByIdentity = new HashMap<>();
    private final Map<Integer, Integer> idUses = new HashMap<>();
    private final Setting<CompatibilityLevel> configs = new Setting<>();
    private final Setting<Mode> modes = new Setting<>();
    private int maxId;
    private long nextOffset;

    /** Applies the record at {@code offset} ({@code value} null for a tombstone). */
    public synchronized void apply(long offset, byte[] key, byte[] value) {
        try {
            StoreKey decoded = key == null ? null : StoreCodec.decodeKey(key);
            if (decoded instanceof SchemaKey k) {
                applySchema(offset, k, value);
            } else if (decoded instanceof ConfigKey k) {
                configs.set(k.subject(), value == null ? null : StoreCodec.decodeConfig(value));
            } else if (decoded instanceof ModeKey k) {
                modes.set(k.subject(), value == null ? null : StoreCodec.decodeMode(value));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Skipping unreadable record at offset {} of the schemas topic: {}", offset, e.toString());
        }
        advanceTo(offset + 1);
    }

    /** Records the consumer's position (it moves past gaps left by compaction). */
    public synchronized void advanceTo(long position) {
        if (position > nextOffset) {
            nextOffset = position;
            notifyAll();
        }
    }

    /** Waits until every record before {@code offset} has been applied; false on timeout. */
    public synchronized boolean awaitOffset(long offset, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (nextOffset < offset) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Runs {@code reader} against a consistent view. */
    public synchronized <T> T read(Function<View, T> reader) {
        return reader.apply(view);
    }

    private void applySchema(long offset, SchemaKey key, byte[] value) throws IOException {
        NavigableMap<Integer, Entry> versions = subjects.get(key.subject());
        Entry current = versions == null ? null : versions.get(key.version());
        if (value == null) {
            // A version is gone once every key that held it is tombstoned, so compaction can never
            // leave one of its records behind to resurrect it.
            if (current != null && current.keys().contains(key)) {
                current.keys().remove(key);
                if (current.keys().isEmpty()) {
                    versions.remove(key.version());
                    release(current.schema().id());
                    if (versions.isEmpty()) {
                        subjects.remove(key.subject());
                    }
                }
            }
            return;
        }
        RegisteredSchema schema = StoreCodec.decodeSchema(value);
        if (key.seq() != offset) {
            log.debug(
                    "Ignoring schema record at offset {}: written for offset {} (lost a concurrent write)",
                    offset,
                    key.seq());
            return;
        }
        SchemaIdentity identity = schema.identity();
        SchemaIdentity bound = identities.get(schema.id());
        if (bound != null && !bound.equals(identity)) {
            log.warn(
                    "Ignoring schema record at offset {}: id {} already names a different schema", offset, schema.id());
            return;
        }
        if (current != null && current.schema().id() != schema.id()) {
            log.warn(
                    "Ignoring schema record at offset {}: subject '{}' version {} already has id {}",
                    offset,
                    key.subject(),
                    key.version(),
                    current.schema().id());
            return;
        }
        Set<SchemaKey> keys = new HashSet<>();
        if (current != null) {
            keys.addAll(current.keys());
        } else {
            idUses.merge(schema.id(), 1, Integer::sum);
        }
        keys.add(key);
        subjects.computeIfAbsent(key.subject(), s -> new TreeMap<>()).put(key.version(), new Entry(schema, keys));
        identities.put(schema.id(), identity);
        idsByIdentity.putIfAbsent(identity, schema.id());
        maxId = Math.max(maxId, schema.id());
    }

    private void release(int id) {
        if (idUses.merge(id, -1, Integer::sum) <= 0) {
            idUses.remove(id);
            SchemaIdentity identity = identities.remove(id);
            if (identity != null) {
                idsByIdentity.remove(identity, id);
            }
        }
    }

    private final View view = new View();

    /** Read access to the state; valid only inside {@link #read}. */
    public final class View {

        /** The offset the next record will have, as far as this instance has read. */
        public long nextOffset() {
            return nextOffset;
        }

        /** The largest id ever accepted in this replay (ids are never handed out twice). */
        public int maxId() {
            return maxId;
        }

        /** Subjects with at least one version, deleted ones included only if asked. */
        public List<String> subjects(boolean includeDeleted) {
            List<String> names = new ArrayList<>();
            subjects.forEach((name, versions) -> {
                if (includeDeleted
                        || versions.values().stream().anyMatch(e -> !e.schema().deleted())) {
                    names.add(name);
                }
            });
            return names;
        }

        /** Every version of a subject, soft-deleted ones included, oldest first. */
        public List<RegisteredSchema> versions(String subject) {
            NavigableMap<Integer, Entry> versions = subjects.get(subject);
            return versions == null
                    ? List.of()
                    : versions.values().stream().map(Entry::schema).toList();
        }

        public Optional<RegisteredSchema> version(String subject, int version) {
            NavigableMap<Integer, Entry> versions = subjects.get(subject);
            Entry e = versions == null ? null : versions.get(version);
            return Optional.ofNullable(e == null ? null : e.schema());
        }

        /** The keys holding a version, for tombstones. */
        public Set<SchemaKey> keys(String subject, int version) {
            NavigableMap<Integer, Entry> versions = subjects.get(subject);
            Entry e = versions == null ? null : versions.get(version);
            return e == null ? Set.of() : Set.copyOf(e.keys());
        }

        /** Whether {@code key}'s record was accepted and still holds its version. */
        public boolean holds(SchemaKey key) {
            return keys(key.subject(), key.version()).contains(key);
        }

        public Optional<SchemaIdentity> schemaById(int id) {
            return Optional.ofNullable(identities.get(id));
        }

        public Optional<Integer> idOf(SchemaIdentity identity) {
            return Optional.ofNullable(idsByIdentity.get(identity));
        }

        /** Every version, across subjects, that has {@code id}. */
        public List<RegisteredSchema> usesOf(int id) {
            List<RegisteredSchema> uses = new ArrayList<>();
            subjects.values()
                    .forEach(vs -> vs.values().forEach(e -> {
                        if (e.schema().id() == id) {
                            uses.add(e.schema());
                        }
                    }));
            return uses;
        }

        /** Ids of versions (not soft-deleted) whose references point at {@code subject} {@code version}. */
        public List<Integer> referencedBy(String subject, int version) {
            List<Integer> ids = new ArrayList<>();
            subjects.values()
                    .forEach(vs -> vs.values().forEach(e -> {
                        for (SchemaReference r : e.schema().references()) {
                            if (!e.schema().deleted()
                                    && r.subject().equals(subject)
                                    && r.version() == version
                                    && !ids.contains(e.schema().id())) {
                                ids.add(e.schema().id());
                            }
                        }
                    }));
            return ids;
        }

        public Optional<CompatibilityLevel> config(String subject) {
            return Optional.ofNullable(configs.get(subject));
        }

        public Optional<Mode> mode(String subject) {
            return Optional.ofNullable(modes.get(subject));
        }
    }
}
